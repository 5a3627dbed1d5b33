# Sourced by the build-context scripts of the project images.
# publish_context TMP OUT: swaps the freshly built context TMP in as OUT whole, or leaves OUT alone
# when nothing changed, so a run is idempotent and an interrupted one never leaves half a context.
publish_context() {
  tmp=$1 out=$2
  chmod -R a+rX "$tmp"
  if [ -d "$out" ] && diff -r "$tmp" "$out" >/dev/null 2>&1; then
    echo "$out (unchanged)"
    return 0
  fi
  rm -rf "$out.old"
  if [ -d "$out" ]; then mv "$out" "$out.old"; fi
  mv "$tmp" "$out"
  rm -rf "$out.old"
  echo "$out"
}
