// The ptrace recorder with rootful podman: the recorder conformance suite (recorder.case.ts).

import { podmanInitSkip, runRecorderSuite } from './recorder.case.js';

runRecorderSuite({ recorder: 'ptrace', engine: 'podman', skip: podmanInitSkip() });
