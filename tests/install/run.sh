#!/bin/sh
# The install test (CTest `install`): installs the build tree into a
# temporary prefix, builds tests/install/ against it twice (find_package,
# and one compile line with pkg-config), and runs the outside program: it
# must pass with its kernel as written and fail with the broken one.
# Usage: run.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR CC "EXTRA_CFLAGS"
set -eu
cmake=$1 build=$2 src=$3 work=$4 cc=$5 flags=$6
fail() { echo "install test: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" >"$work/install.log" ||
  fail "cmake --install failed (see $work/install.log)"

"$cmake" -S "$src/tests/install" -B "$work/build" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_PREFIX_PATH="$work/prefix" \
  >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "find_package(dlverify) failed"; }
"$cmake" --build "$work/build" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "the outside program did not build"; }

"$work/build/my_norm" >"$work/my_norm.log" 2>&1 ||
  { cat "$work/my_norm.log"; fail "my_norm: its kernel failed the check"; }
grep -q 'CONFIRMED' "$work/my_norm.log" || fail "my_norm: no verdict"
if "$work/build/my_norm_broken" >"$work/broken.log" 2>&1; then
  fail "my_norm_broken passed: the installed harness cannot fail"
fi
echo "broken kernel caught; first failed row:"
grep -m 2 -A 3 'ERROR\|FAIL' "$work/broken.log" | head -8

# One compile line with pkg-config.
pc=$work/prefix/lib/pkgconfig
test -f "$pc/dlverify.pc" || fail "no lib/pkgconfig/dlverify.pc"
# shellcheck disable=SC2046,SC2086
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror $flags \
  "$src/tests/install/my_norm.c" -o "$work/my_norm_pc" \
  $(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs dlverify) ||
  fail "cc ... \$(pkg-config --cflags --libs dlverify) failed"
"$work/my_norm_pc" >"$work/my_norm_pc.log" 2>&1 ||
  { cat "$work/my_norm_pc.log"; fail "my_norm (pkg-config build) failed"; }
echo "install test: find_package and pkg-config builds pass; broken fails"
