#!/usr/bin/env bash
# Make sure the tools used by tests/sitecheck.py are present:
#   - Chromium at $CHROMIUM (default /usr/bin/chromium, Debian package `chromium`)
#   - a DejaVu font (Debian `fonts-dejavu-core`) so pages render and axe can check contrast
#   - java (Debian `default-jre-headless`) to run the Nu Html Checker
#   - vnu.jar from npm `vnu-jar@$VNU_VERSION`, installed into $SITECHECK_TOOLS_DIR
#     (default: <repo>/.cache/tools, git-ignored)
#
# Idempotent. When everything is present it only checks for it (well under a second).
# Missing system packages are installed with apt-get when run as root. As any other
# user it lists the missing packages and exits 1.
# Playwright never downloads a browser here: tests use Debian's Chromium.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${SITECHECK_TOOLS_DIR:-$ROOT/.cache/tools}"
VNU_VERSION="${VNU_VERSION:-26.9.27}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
VNU_PKG_DIR="$TOOLS_DIR/node_modules/vnu-jar"
VNU_JAR="$VNU_PKG_DIR/build/dist/vnu.jar"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

say() { echo "setup-browser: $*" >&2; }

vnu_installed_version() {
    # The version in the package's own package.json, or nothing if the jar is absent.
    [ -f "$VNU_JAR" ] && [ -f "$VNU_PKG_DIR/package.json" ] || return 0
    sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' \
        "$VNU_PKG_DIR/package.json" | head -n1
}

# ---------------------------------------------------------------- system packages
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -f "$FONT" ] || missing+=(fonts-dejavu-core)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ "$(vnu_installed_version)" != "$VNU_VERSION" ] && ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi

installed=()
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "missing Debian packages: ${missing[*]}"
        say "install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
    fi
    if [ "$CHROMIUM" != /usr/bin/chromium ] && [[ " ${missing[*]} " == *" chromium "* ]]; then
        say "CHROMIUM=$CHROMIUM does not exist (apt would install /usr/bin/chromium instead)"
        exit 1
    fi
    say "installing with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    installed+=("${missing[@]}")
fi

# ---------------------------------------------------------------- vnu.jar (npm)
if [ "$(vnu_installed_version)" != "$VNU_VERSION" ]; then
    say "installing npm vnu-jar@$VNU_VERSION into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    # A private package.json so npm installs here and not into an enclosing project.
    [ -f "$TOOLS_DIR/package.json" ] || \
        echo '{"name": "sitecheck-tools", "private": true}' > "$TOOLS_DIR/package.json"
    # --ignore-scripts: vnu-jar's postinstall downloads a Temurin JDK from GitHub;
    # we use the system java instead.
    npm install --prefix "$TOOLS_DIR" --ignore-scripts --no-audit --no-fund --no-update-notifier \
        --no-package-lock --loglevel=error "vnu-jar@$VNU_VERSION" >/dev/null
    installed+=("vnu-jar@$VNU_VERSION")
fi

# ---------------------------------------------------------------- sanity checks
chromium_v="$("$CHROMIUM" --version 2>/dev/null | head -n1 | awk '{print $1, $2}')" || true
[ -n "$chromium_v" ] || { say "$CHROMIUM does not run (--version failed)"; exit 1; }
command -v java >/dev/null 2>&1 || { say "java is still missing after apt-get"; exit 1; }
java_v="$(java -version 2>&1 | head -n1 | sed 's/.*version "\([^"]*\)".*/\1/')" || true
[ -n "$java_v" ] || { say "java does not run"; exit 1; }
[ -f "$VNU_JAR" ] || { say "vnu.jar missing after install: $VNU_JAR"; exit 1; }
if [ ${#installed[@]} -gt 0 ]; then
    # Only after an install: proves that this java can run this vnu.jar.
    vnu_v="$(java -jar "$VNU_JAR" --version 2>&1 | head -n1)"
    case "$vnu_v" in
        "$VNU_VERSION"*) ;;
        *) say "java -jar $VNU_JAR --version gave: $vnu_v"; exit 1 ;;
    esac
fi

summary="${chromium_v} ($CHROMIUM); java ${java_v}; vnu ${VNU_VERSION} (${VNU_JAR#"$ROOT"/})"
if [ ${#installed[@]} -gt 0 ]; then
    echo "setup-browser: ok: $summary; installed: ${installed[*]}"
else
    echo "setup-browser: ok: $summary; nothing to install"
fi
