# Sourced by scripts/test when CI=true or EXESERVER_PACKAGE=1: builds the Linux .deb (preset `package`,
# build/package is reused between runs), checks it with lintian (any E: fails), installs it with apt so
# the Qt 6 dependencies dpkg-shlibdeps found resolve, runs the installed /usr/bin/exeserver-cli --version,
# and removes the package again.
if [[ "${CI:-}" == "true" || "${EXESERVER_PACKAGE:-}" == "1" ]]; then
    pkg_started=$SECONDS
    pkg_fail() {
        echo "scripts/test.d/30-package.sh: $*" >&2
        exit 1
    }
    [[ -f build/package/CMakeCache.txt ]] || cmake --preset package >/dev/null || pkg_fail "configure failed"
    cmake --build --preset package >/dev/null || pkg_fail "build failed"
    rm -f build/package/exeserver_*.deb
    (cd build/package && cpack -G DEB >cpack.log 2>&1) || {
        cat build/package/cpack.log >&2
        pkg_fail "cpack failed"
    }
    pkg_deb="$(ls build/package/exeserver_*.deb)"
    # Errors fail the run; warnings are printed for a human to judge (reviewed ones are overridden, with
    # the reason, in packaging/linux/lintian-overrides).
    lintian --fail-on error "$pkg_deb" ||
        pkg_fail "lintian reported errors on $pkg_deb"
    if dpkg-query -W -f='${Status}' exeserver 2>/dev/null | grep -q "install ok installed"; then
        pkg_fail "an exeserver package is already installed here; not replacing it"
    fi
    pkg_sudo=()
    [[ $(id -u) -eq 0 ]] || pkg_sudo=(sudo)
    DEBIAN_FRONTEND=noninteractive "${pkg_sudo[@]}" apt-get install -y -qq --no-install-recommends "./$pkg_deb" \
        >build/package/apt.log 2>&1 || {
        cat build/package/apt.log >&2
        pkg_fail "apt-get install ./$pkg_deb failed"
    }
    cleanups+=("DEBIAN_FRONTEND=noninteractive ${pkg_sudo[*]} apt-get remove -y -qq exeserver >/dev/null 2>&1")
    pkg_version="$(/usr/bin/exeserver-cli --version)" || pkg_fail "/usr/bin/exeserver-cli --version failed"
    [[ "$pkg_version" == "exeserver-cli $(dpkg-query -W -f='${Version}' exeserver | cut -d- -f1) "* ]] ||
        pkg_fail "installed exeserver-cli reports '$pkg_version'"
    # Removed again at once, so the test suite runs against the build tree only; the cleanup above stays as
    # the safety net for the failure paths.
    DEBIAN_FRONTEND=noninteractive "${pkg_sudo[@]}" apt-get remove -y -qq exeserver >/dev/null 2>&1 ||
        pkg_fail "apt-get remove exeserver failed"
    echo "scripts/test.d/30-package.sh: $pkg_deb passes lintian, installs, and runs: $pkg_version" \
        "($((SECONDS - pkg_started)) s)"
    unset -f pkg_fail
    unset pkg_started pkg_deb pkg_sudo pkg_version
fi
