#!/bin/sh
# Makes the corpus repository: four commits over a few files, a tag, the pre-commit hook.
set -eu
repo=$1
export GIT_AUTHOR_DATE='2024-01-01T12:00:00Z' GIT_COMMITTER_DATE='2024-01-01T12:00:00Z'
git init -q "$repo"
cd "$repo"
mkdir -p src docs
printf 'int main(void) { return 0; }\n' > src/main.c
printf '# corpus repo\n\nA repository for the held-out corpus.\n' > README.md
git add -A && git commit -q -m 'initial import'
printf '/* TODO: parse options */\nint parse(int argc) { return argc; }\n' > src/options.c
git add -A && git commit -q -m 'add option parsing'
printf 'Usage: tool [-v]\n' > docs/usage.txt
printf '# corpus repo\n\nA repository for the held-out corpus.\nSee docs/usage.txt.\n' > README.md
git add -A && git commit -q -m 'document usage'
git tag -a v1.0 -m 'release 1.0'
printf 'int main(void) { /* TODO: call parse */ return 0; }\n' > src/main.c
git add -A && git commit -q -m 'main: note the next step'
cp /usr/local/share/corpus/pre-commit .git/hooks/pre-commit
chmod 0755 .git/hooks/pre-commit
