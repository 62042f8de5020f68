// What a GPU sampler sees at one moment, and what one run's samples add up to (issue 16). A
// sampler (NVML, nvidia-smi, rocm-smi: runners/gpu/) turns each sample into a GpuSample; the
// run's GpuUsage keeps only what the run's own processes did, because a device's utilisation and
// memory are shared with every other tenant of the GPU. What a program prints is never used.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace grader::gpu {

// A compute process on a device: its pid as the driver reports it (the host's, not a sandbox's).
struct GpuProcess {
  std::string device;  // the device's UUID or PCI bus id, "" when not reported
  pid_t pid = 0;
  std::optional<std::uint64_t> used_bytes;  // nullopt: the driver would not say ("[N/A]")
};

// A device at that moment.
struct GpuDevice {
  std::string device;
  std::optional<int> utilisation;  // percent of the sample period with a kernel running
  std::optional<std::uint64_t> used_bytes;
};

struct GpuSample {
  std::vector<GpuDevice> devices;
  std::vector<GpuProcess> processes;
};

struct GpuUsage {
  std::string source;                // "nvml", "nvidia-smi", "rocm-smi"
  int samples = 0;                   // how many were taken
  int samples_on_gpu = 0;            // of those, how many saw a process of the run on a device
  std::vector<std::string> devices;  // every device a process of the run was seen on
  std::uint64_t peak_bytes = 0;      // the most device memory the run's processes held at once
  // The utilisation of the devices the run was on, over the samples that saw it there; nullopt
  // when no such sample reported one.
  std::optional<double> mean_utilisation;
  std::optional<int> peak_utilisation;

  bool used() const { return samples_on_gpu > 0; }
};

// The run's usage from its samples; `is_runs` says whether a reported pid is one of the run's
// processes (through its cgroup or its pid namespace's NSpid).
GpuUsage summarise(const std::vector<GpuSample>& samples, const std::function<bool(pid_t)>& is_runs,
                   std::string source);

}  // namespace grader::gpu
