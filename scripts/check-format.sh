#!/usr/bin/env bash
# Checks that every C, C++ and CUDA source in the repository is formatted as .clang-format says,
# with the pinned clang-format (14, Debian 12's; another major version formats differently).
#   ./scripts/check-format.sh           # lists the files that differ, exits 1 if any
#   ./scripts/check-format.sh --fix     # formats them in place
# CLANG_FORMAT overrides the binary. Exits 77 (ctest: skipped) when clang-format 14 is missing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

tool=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-format: $tool not found (scripts/setup.sh installs it); not checked"
    exit 77
fi
version=$("$tool" --version)
case $version in
    *"version 14."*) ;;
    *) echo "check-format: $tool is not clang-format 14 ($version); not checked"; exit 77 ;;
esac

# Tracked files where git knows them, else every file under the source folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -- '*.c' '*.h' '*.cpp' '*.hpp' '*.cu' '*.cuh')
else
    mapfile -t files < <(find . -path ./build\* -prune -o -type f \
        \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' -o -name '*.cu' \
        -o -name '*.cuh' \) -print | sed 's|^\./||')
fi
if [ "${1:-}" = "--fix" ]; then
    "$tool" -i "${files[@]}"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    if ! "$tool" --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
if [ "${#bad[@]}" -ne 0 ]; then
    printf 'check-format: not formatted as .clang-format says (./scripts/check-format.sh --fix):\n'
    printf '  %s\n' "${bad[@]}"
    exit 1
fi
echo "check-format: ${#files[@]} files formatted"
