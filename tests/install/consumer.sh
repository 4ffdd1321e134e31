#!/bin/sh
# Installs the build into a temporary prefix and builds a small program against it three times:
# with find_package(ecu) (ecu::ecu), with pkg-config (libecu.pc), and statically with
# pkg-config --static against libecu.a alone. All must run.
# usage: consumer.sh BUILD_DIR HERE CC [EXTRA_FLAGS]  (the sanitizer flags of an ASan build)
set -eu
build=$1
here=$2
cc=$3
extra=${4:-}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/ecu-cmp bin/ecu-csum bin/ecu-id bin/ecu-verify include/ecu/ecu.h include/ecu/csum.h include/ecu/id.h share/man/man1/ecu-cmp.1 share/man/man1/ecu-csum.1 share/man/man1/ecu-id.1 share/man/man1/ecu-verify.1 share/man/man3/libecu.3; do
    [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
libdir=$(ls -d "$prefix"/lib* | head -n 1)
[ -f "$libdir/pkgconfig/libecu.pc" ] || { echo "no libecu.pc"; exit 1; }
[ -f "$libdir/libecu.a" ] || { echo "no libecu.a (libecu.pc advertises a static link)"; exit 1; }
[ -f "$libdir/cmake/ecu/ecuConfig.cmake" ] || { echo "no ecuConfig.cmake"; exit 1; }
"$prefix/bin/ecu-cmp" --version >/dev/null

cmake -S "$here" -B "$prefix/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" >/dev/null
cmake --build "$prefix/consumer" >/dev/null
LD_LIBRARY_PATH="$libdir" "$prefix/consumer/consumer"

PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --exists libecu
# shellcheck disable=SC2046,SC2086
"$cc" $extra -o "$prefix/consumer-pc" "$here/consumer.c" $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs libecu)
LD_LIBRARY_PATH="$libdir" "$prefix/consumer-pc"

# static: a copy of the prefix without the shared library, so that -lecu can only be libecu.a
static=$prefix/static
mkdir -p "$static/lib/pkgconfig"
cp -R "$prefix/include" "$static/include"
cp "$libdir/libecu.a" "$static/lib/"
sed -e "s|^prefix=.*|prefix=$static|" -e "s|^libdir=.*|libdir=\${prefix}/lib|" \
    -e "s|^includedir=.*|includedir=\${prefix}/include|" \
    "$libdir/pkgconfig/libecu.pc" >"$static/lib/pkgconfig/libecu.pc"
# shellcheck disable=SC2046,SC2086
"$cc" $extra -o "$prefix/consumer-static" "$here/consumer.c" \
    $(PKG_CONFIG_PATH="$static/lib/pkgconfig" pkg-config --static --cflags --libs libecu)
if readelf -d "$prefix/consumer-static" | grep -q 'NEEDED.*libecu'; then
    echo "the static consumer needs libecu.so"
    exit 1
fi
"$prefix/consumer-static"
