#!/usr/bin/env bash
# Builds everything (tests included) with SwiftPM's explicit-dependency import
# check, and fails when the build fails or when any target imports a module it
# did not declare (SwiftPM would otherwise allow it whenever build order happens
# to make that module available).
set -uo pipefail
SWIFT="${SWIFT:-swift}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
$SWIFT build --build-tests --explicit-target-dependency-import-check=error >"$log" 2>&1
status=$?
if [ $status -ne 0 ]; then
    grep -E "error:" "$log" | sort -u | head -50
    echo "import check: build failed (exit $status)" >&2
    exit $status
fi
if grep -q "without declaring it a dependency" "$log"; then
    grep "without declaring it a dependency" "$log" | sort -u
    echo "import check: undeclared target imports (see above)" >&2
    exit 1
fi
echo "import check: every import is a declared dependency"
