// Preloaded (`node --import`) into a benchmarked child: at exit, writes the process's own CPU time
// and peak RSS as one JSON line to file descriptor 3, which the parent opened as a pipe.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  try {
    writeSync(3, `${JSON.stringify({ cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000), maxRssMiB: Math.round(usage.maxRSS / 102.4) / 10 })}\n`);
  } catch {
    // No fd 3: not run by the benchmark.
  }
});
