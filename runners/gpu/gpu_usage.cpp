// A run's GPU usage from its samples; see gpu_usage.h.
#include "runners/gpu/gpu_usage.h"

#include <algorithm>
#include <set>

namespace grader::gpu {

namespace {

// The devices the run's processes were on in one sample, and the memory they held there.
std::set<std::string> run_devices(const GpuSample& s, const std::function<bool(pid_t)>& is_runs,
                                  std::uint64_t& bytes) {
  std::set<std::string> on;
  bytes = 0;
  for (const GpuProcess& p : s.processes) {
    if (!is_runs(p.pid)) continue;
    on.insert(p.device);
    bytes += p.used_bytes.value_or(0);
  }
  return on;
}

}  // namespace

GpuUsage summarise(const std::vector<GpuSample>& samples, const std::function<bool(pid_t)>& is_runs,
                   std::string source) {
  GpuUsage u;
  u.source = std::move(source);
  u.samples = static_cast<int>(samples.size());
  std::set<std::string> seen;
  double util_sum = 0;
  int util_samples = 0;
  for (const GpuSample& s : samples) {
    std::uint64_t bytes = 0;
    const std::set<std::string> on = run_devices(s, is_runs, bytes);
    if (on.empty()) continue;
    ++u.samples_on_gpu;
    seen.insert(on.begin(), on.end());
    u.peak_bytes = std::max(u.peak_bytes, bytes);
    // The busiest of the devices the run was on: utilisation is per device, not per process.
    std::optional<int> busiest;
    for (const GpuDevice& d : s.devices)
      if (d.utilisation && (on.count(d.device) || on.count("")))
        busiest = std::max(busiest.value_or(0), *d.utilisation);
    if (!busiest) continue;
    util_sum += *busiest;
    ++util_samples;
    u.peak_utilisation = std::max(u.peak_utilisation.value_or(0), *busiest);
  }
  u.devices.assign(seen.begin(), seen.end());
  if (util_samples > 0) u.mean_utilisation = util_sum / util_samples;
  return u;
}

}  // namespace grader::gpu
