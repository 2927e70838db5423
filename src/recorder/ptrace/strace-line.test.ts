// The strace line parser on lines strace 6.1 printed on this project's live runs (x86_64 host,
// runc 1.1.5 in Docker 20.10): calls, unfinished and resumed calls, pids translated out of a
// container's pid namespace, personality switches, exits, raw arguments.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloneFlags, parseStraceLine, rawArgs, returnValue } from './strace-line.js';

describe('parseStraceLine', () => {
  it('reads a finished call: thread, comm, number, name, arguments, return value', () => {
    const l = parseStraceLine("27543<known-syscalls> [ 110] getppid()  = 1<sh> /* 27515 in strace's PID NS */");
    assert.deepEqual(l, { kind: 'call', tid: 27543, comm: 'known-syscalls', nr: 110, name: 'getppid', args: '', ret: '1', retPid: 27515, unfinished: false });
  });

  it("keeps a comm with brackets and colons (runc's stage names)", () => {
    const l = parseStraceLine('4639<runc:[2:INIT]> [ 157] prctl(0x16, 0x2, 0xc0001d4800) = 0');
    assert.equal(l?.kind, 'call');
    if (l?.kind !== 'call') return;
    assert.equal(l.comm, 'runc:[2:INIT]');
    assert.deepEqual(rawArgs(l.args), [0x16n, 2n, 0xc0001d4800n]);
    assert.equal(returnValue(l.ret), 0n);
  });

  it('splits at the last ") = " so a path containing one stays in the arguments', () => {
    const l = parseStraceLine('9<sh> [ 257] openat(-100, "/tmp/a) = 3", 0x80000) = 3');
    assert.equal(l?.kind === 'call' && l.args, '-100, "/tmp/a) = 3", 0x80000');
    assert.equal(l?.kind === 'call' && l.ret, '3');
  });

  it('reads errors and decorated return values', () => {
    const e = parseStraceLine('27616<thr> [  21] access("/etc/ld.so.preload", 0x4) = -1 ENOENT (No such file or directory)');
    assert.equal(e?.kind === 'call' && returnValue(e.ret), -1n);
    const p = parseStraceLine('9<known-syscalls> [ 135] personality(0xffffffff) = 0 (PER_LINUX)');
    assert.equal(p?.kind === 'call' && p.ret, '0');
    const x = parseStraceLine('8540<thr> [  56] clone(0x1200011, 0, 0, 0x7f7bd3904a10, 0) = 0x215e');
    assert.equal(x?.kind === 'call' && returnValue(x.ret), 0x215en);
    const q = parseStraceLine('8<sh> [ 231] exit_group(0)              = ?');
    assert.equal(q?.kind === 'call' && returnValue(q.ret), undefined);
  });

  it('reads unfinished calls and their resumption', () => {
    const u = parseStraceLine('27616<thr> [  56] clone(child_stack=NULL, flags=0x1200000|17 <unfinished ...>');
    assert.deepEqual(u, { kind: 'call', tid: 27616, comm: 'thr', nr: 56, name: 'clone', args: 'child_stack=NULL, flags=0x1200000|17', unfinished: true });
    const r = parseStraceLine("27616<thr> [  56] <... clone resumed>, child_tidptr=0x7f06432f8a10) = 5<thr> /* 27618 in strace's PID NS */");
    assert.deepEqual(r, { kind: 'resumed', tid: 27616, comm: 'thr', nr: 56, name: 'clone', args: ', child_tidptr=0x7f06432f8a10', ret: '5', retPid: 27618 });
    const v = parseStraceLine('8<sh> [  58] vfork( <unfinished ...>');
    assert.equal(v?.kind === 'call' && v.args, '');
  });

  it('reads personality switches, exits and superseded threads', () => {
    assert.deepEqual(parseStraceLine('19495 [  59] [ Process PID=19495 runs in 32 bit mode. ]'), { kind: 'personality', tid: 19495, mode: '32 bit' });
    assert.deepEqual(parseStraceLine('25425<worker> [  60] +++ exited with 0 +++'), { kind: 'exit', tid: 25425 });
    assert.deepEqual(parseStraceLine('300<x> [ 231] +++ killed by SIGKILL +++'), { kind: 'exit', tid: 300 });
    assert.deepEqual(parseStraceLine('300<x> [  59] +++ superseded by execve in pid 302 +++'), { kind: 'superseded', tid: 300, oldTid: 302 });
  });

  it('reports a call whose number strace could not read, and rejects foreign text', () => {
    assert.deepEqual(parseStraceLine('77 [????] ????( <unfinished ...>'), { kind: 'unknown-call', tid: 77 });
    // A thread killed by another thread's execve, its registers unreadable: the number shown is stale.
    assert.deepEqual(parseStraceLine('12230<race> [ 230] ???( <unfinished ...>'), { kind: 'unknown-call', tid: 12230 });
    assert.deepEqual(parseStraceLine('12230<race> [ 230] <... ??? resumed>)   = ?'), { kind: 'notice', tid: 12230 });
    assert.equal(parseStraceLine('strace: Process 5 attached'), undefined);
    assert.equal(parseStraceLine('12 [  1] ???'), undefined);
  });
});

describe('argument helpers', () => {
  it('rawArgs accepts only integers', () => {
    assert.deepEqual(rawArgs('0x1, 0x1, 0'), [1n, 1n, 0n]);
    assert.equal(rawArgs('1, TCGETS, 0x7ffd'), undefined);
    assert.deepEqual(rawArgs(''), []);
  });

  it('cloneFlags combines the flags and the exit signal as the register holds them', () => {
    assert.equal(cloneFlags('child_stack=NULL, flags=0x1200000|17, child_tidptr=0x7f'), 0x1200011n);
    assert.equal(cloneFlags('{flags=0x3d0f00, child_tid=0x7f06432f7990, exit_signal=0}'), 0x3d0f00n);
    assert.equal(cloneFlags('child_stack=0x7ffc485dffe0, flags=0x8000|17'), 0x8011n);
    assert.equal(cloneFlags('0x8011, 0'), undefined);
  });
});
