#!/usr/bin/env bash
# Print the path of a Python interpreter of the given minor version (e.g. 3.13):
# pythonX.Y on PATH when it runs, else pyenv's newest X.Y.*, else fail with a hint.
set -euo pipefail
want=${1:?usage: find_python.sh 3.13}
if command -v "python$want" >/dev/null 2>&1 && "python$want" -c '' >/dev/null 2>&1; then
  command -v "python$want"
  exit 0
fi
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for dir in $(ls -d "$root/versions/$want".* 2>/dev/null | sort -V -r); do
  if [ -x "$dir/bin/python$want" ]; then
    echo "$dir/bin/python$want"
    exit 0
  fi
done
echo "find_python.sh: no Python $want found (install it, e.g. 'pyenv install $want', or set RUNTIME_PYTHON_VERSION)" >&2
exit 1
