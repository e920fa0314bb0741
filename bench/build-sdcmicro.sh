#!/bin/sh
# Builds R's sdcMicro into a private library for bench/bench-loss.sh (the
# benchmark only; hhreg never links or calls it).
#   sh bench/build-sdcmicro.sh SOURCE LIBDIR
# SOURCE: a bare git snapshot of sdcTools/sdcMicro, a source tarball (.tar.gz)
# or an unpacked source directory. LIBDIR: the R library to install into
# (bench-loss.sh looks in $SDCMICRO_LIB, default /tmp/sdc-lib).
# Its R dependencies come from Debian (apt-get install r-cran-data.table
# r-cran-vim r-cran-shiny ...), except prettydoc, which Debian lacks and
# sdcMicro only uses for HTML reports: it is dropped from the copy's imports.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SOURCE LIBDIR" >&2; exit 2; }
src=$1 lib=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sdcMicro" "$lib"
if [ -d "$src" ] && git -C "$src" rev-parse --is-bare-repository 2>/dev/null | grep -q true; then
  git -C "$src" archive HEAD | tar -x -C "$tmp/sdcMicro"
elif [ -d "$src" ]; then
  cp -R "$src"/. "$tmp/sdcMicro"
else
  tar -xzf "$src" -C "$tmp/sdcMicro" --strip-components=1
fi
cd "$tmp/sdcMicro"
[ -f DESCRIPTION ] || { echo "$0: no DESCRIPTION in $src: not an R package source" >&2; exit 1; }
# drop prettydoc (DESCRIPTION Imports, NAMESPACE importFrom, roxygen tag)
sed -i '/^[[:space:]]*prettydoc,[[:space:]]*$/d' DESCRIPTION
sed -i '/importFrom(prettydoc/d' NAMESPACE
sed -i '/@importFrom prettydoc/d' R/0classes.r
R CMD INSTALL --library="$lib" .
Rscript -e ".libPaths(c('$lib', .libPaths())); suppressMessages(library(sdcMicro)); cat('sdcMicro', as.character(packageVersion('sdcMicro')), 'in $lib\n')"
