# Revenue per region, regions sorted by name, with a share of the total.
BEGIN { FS = "," }
NR == 1 { next }
{ rev[$1] += $3 * $4; total += $3 * $4 }
END {
  n = asorti(rev, names)
  for (i = 1; i <= n; i++) printf "%-6s %8.2f %5.1f%%\n", toupper(names[i]), rev[names[i]], 100 * rev[names[i]] / total
  printf "TOTAL  %8.2f\n", total
}
