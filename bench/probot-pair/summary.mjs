// Medians per server and connection count from run.sh's lines, and exeserver/probot ratios.
import { readFileSync } from "node:fs";

const runs = readFileSync(process.argv[2], "utf8").trim().split("\n").map((line) =>
  Object.fromEntries(line.split(" ").map((pair) => pair.split("="))));
const median = (values) => {
  const sorted = values.map(Number).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fields = ["deliveries_per_s", "p99_ms", "cpu_s_per_1000", "rss_idle_mb", "rss_load_mb", "failures"];
console.log(`\n${"connections".padEnd(12)}${"figure".padEnd(18)}${"exeserver".padStart(11)}${"probot".padStart(11)}${"ratio".padStart(9)}`);
for (const connections of [...new Set(runs.map((r) => r.connections))]) {
  for (const field of fields) {
    const of = (label) => median(runs.filter((r) => r.label === label && r.connections === connections).map((r) => r[field]));
    const [ours, theirs] = [of("exeserver"), of("probot")];
    const ratio = theirs ? (ours / theirs).toFixed(2) + "x" : "-";
    // Six significant digits: the median of an even count is a mean, which may not print short.
    const show = (value) => String(Number(value.toPrecision(6)));
    console.log(`${connections.padEnd(12)}${field.padEnd(18)}${show(ours).padStart(11)}${show(theirs).padStart(11)}${ratio.padStart(9)}`);
  }
}
