# test_lib.sh: helpers of the report tests (sourced by test_report_*.sh).
fail() { echo "FAIL: $*"; exit 1; }

need() { command -v "$1" >/dev/null || fail "$1 not installed (apt-get install $2)"; }

# render PAGE DOM [PNG]: DOM gets the document as headless Chromium rendered
# PAGE from disk (fresh profile, no network services); PNG a screenshot.
render() {
  profile=$(mktemp -d) || fail "mktemp"
  flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
         --disable-background-networking --disable-component-update
         --disable-sync --hide-scrollbars --user-data-dir=$profile"
  # shellcheck disable=SC2086 # flags are words without spaces
  timeout 60 chromium $flags --dump-dom "file://$1" >"$2" 2>/dev/null ||
    fail "chromium could not render $1"
  if test -n "${3:-}"; then
    # shellcheck disable=SC2086
    timeout 60 chromium $flags --window-size=1280,2400 --screenshot="$3" \
      "file://$1" >/dev/null 2>&1 || fail "chromium: no screenshot of $1"
  fi
  rm -rf "$profile"
  grep -q '</html>' "$2" || fail "$2: Chromium rendered no document"
}

# element DOM START END: the lines from the first matching START (an
# opening tag) to the next END (its closing tag).
element() { sed -n "\\|$2|,\\|$3|p" "$1"; }

# offset DOM TEXT: byte offset of the first TEXT in DOM, or nothing.
offset() { grep -bo -F -- "$2" "$1" | head -n 1 | cut -d: -f1; }
