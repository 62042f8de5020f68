// nvidia-smi's CSV read into samples, and a run's GPU usage from them (runners/gpu/), on output
// captured from real GPUs: each file under tests/unit/data/gpu/ says where it was captured and
// in what format. Only the run's own processes count, and a value the driver would not give is
// unknown, never 0.
#include "runners/gpu/gpu_usage.h"

#include <gtest/gtest.h>

#include <set>

#include "runners/gpu/nvidia_smi_csv.h"
#include "tests/support/unit_data.h"

namespace grader::gpu {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

TEST(NvidiaSmiCsv, ComputeAppsOfAnH100UnderLoad) {
  const auto apps = parse_compute_apps(test_support::unit_test_data("gpu/nvidia_smi_compute_apps_h100.csv"));
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps[0].pid, 11327);
  EXPECT_EQ(apps[0].used_bytes, 2566 * kMiB);
  EXPECT_EQ(apps[1].pid, 11345);
  EXPECT_EQ(apps[1].used_bytes, 15690 * kMiB);
  EXPECT_EQ(apps[1].device, "GPU-0000…") << "the UUID column, preferred to the bus id";
}

TEST(NvidiaSmiCsv, MemoryTheDriverWillNotGiveIsUnknownNotZero) {
  const auto apps = parse_compute_apps(test_support::unit_test_data("gpu/nvidia_smi_compute_apps_wddm.csv"));
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps[0].pid, 1584);
  EXPECT_FALSE(apps[0].used_bytes.has_value());
  EXPECT_EQ(smi_mib_bytes("[Not Supported]"), std::nullopt);
  EXPECT_EQ(smi_percent("[Insufficient Permissions]"), std::nullopt);
  EXPECT_EQ(smi_percent("100 %"), 100);
  EXPECT_EQ(smi_mib_bytes("19818"), 19818 * kMiB) << "nounits: MiB";
}

TEST(NvidiaSmiCsv, QueryGpuFindsTheDeviceByWhicheverIdItWasAskedFor) {
  const auto devices = parse_query_gpu(test_support::unit_test_data("gpu/nvidia_smi_query_gpu_a10g.csv"));
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].device, "00000000:00:1E.0");
  EXPECT_EQ(devices[0].used_bytes, 18506 * kMiB);
  EXPECT_FALSE(devices[0].utilisation.has_value()) << "not asked for";
}

TEST(NvidiaSmiCsv, AHeaderAloneOrNoProcessesFoundIsNone) {
  EXPECT_TRUE(parse_compute_apps("pid, used_gpu_memory [MiB]\n").empty());
  EXPECT_TRUE(parse_compute_apps("pid, used_gpu_memory [MiB]\nNo running processes found\n").empty());
}

TEST(NvidiaSmiCsv, OutputWithoutAHeaderOrWithAShortRowIsAnErrorThatSaysWhere) {
  try {
    parse_compute_apps("11327, 2566\n");
    FAIL() << "no header";
  } catch (const SmiCsvError& e) {
    EXPECT_NE(std::string(e.what()).find("line 1: expected a header"), std::string::npos) << e.what();
  }
  try {
    parse_compute_apps("pid, process_name, used_gpu_memory [MiB]\n11327, 2566 MiB\n");
    FAIL() << "a short row";
  } catch (const SmiCsvError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2: 2 fields where the header has 3"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse_compute_apps("pid, process_name\n1, x\n"), SmiCsvError) << "no memory column";
}

// The A10G's two captures as two samples of one run: its Python process (pid 29200) held
// 18498 MiB on the only device; another process of the machine is not the run's.
TEST(GpuUsage, OnlyTheRunsProcessesCount) {
  GpuSample s;
  s.devices = parse_query_gpu(test_support::unit_test_data("gpu/nvidia_smi_query_gpu_a10g.csv"));
  s.devices[0].utilisation = 87;
  s.processes = parse_compute_apps(test_support::unit_test_data("gpu/nvidia_smi_compute_apps_a10g.csv"));
  GpuSample idle;
  idle.devices = s.devices;
  idle.devices[0].utilisation = 0;
  GpuSample other = s;
  other.processes[0].pid = 4242;
  other.devices[0].utilisation = 100;
  const std::set<pid_t> run = {29200};
  GpuUsage u = summarise(
      {idle, s, other, s}, [&](pid_t p) { return run.count(p) > 0; }, "nvidia-smi");
  EXPECT_TRUE(u.used());
  EXPECT_EQ(u.samples, 4);
  EXPECT_EQ(u.samples_on_gpu, 2);
  EXPECT_EQ(u.peak_bytes, 18498 * kMiB);
  EXPECT_EQ(u.peak_utilisation, 87) << "not the 100 % of a sample with another tenant only";
  ASSERT_TRUE(u.mean_utilisation.has_value());
  EXPECT_DOUBLE_EQ(*u.mean_utilisation, 87.0);
  EXPECT_EQ(u.source, "nvidia-smi");
}

// The course's `target_backend='cuda'` program runs on the CPU: no process of it is ever on a GPU.
TEST(GpuUsage, NoProcessOfTheRunOnAGpuIsNotUsed) {
  GpuSample s;
  s.processes = parse_compute_apps(test_support::unit_test_data("gpu/nvidia_smi_compute_apps_h100.csv"));
  GpuUsage u = summarise(
      {s, s}, [](pid_t p) { return p == 1; }, "nvidia-smi");
  EXPECT_FALSE(u.used());
  EXPECT_EQ(u.peak_bytes, 0u);
  EXPECT_FALSE(u.mean_utilisation.has_value());
  EXPECT_TRUE(u.devices.empty());
}

TEST(GpuUsage, ProcessesOnTwoDevicesAtOnceAddUp) {
  GpuSample s;
  s.processes = parse_compute_apps(test_support::unit_test_data("gpu/nvidia_smi_compute_apps_h100.csv"));
  s.processes[1].device = "GPU-1111";
  s.devices = {{"GPU-0000…", 20, std::nullopt}, {"GPU-1111", 99, std::nullopt}};
  GpuUsage u = summarise(
      {s}, [](pid_t) { return true; }, "nvidia-smi");
  EXPECT_EQ(u.peak_bytes, (2566 + 15690) * kMiB);
  EXPECT_EQ(u.devices, (std::vector<std::string>{"GPU-0000…", "GPU-1111"}));
  EXPECT_EQ(u.peak_utilisation, 99) << "the busiest device the run was on";
}

}  // namespace
}  // namespace grader::gpu
