// The local Transport: commands run on this machine through the process executor, files are
// plain copies. What the Slurm executor uses against the test cluster on this machine.
#pragma once

#include "grader/run/transport.h"
#include "runners/process/process_executor.h"

namespace grader {

class LocalTransport : public Transport {
 public:
  std::string name() const override { return "local"; }
  std::string describe() const override { return "local"; }
  RunResult run(const RunRequest& request) override { return process_.run(request); }
  std::string make_temp_dir(const std::string& prefix) override;
  void upload(const std::filesystem::path& local_dir, const std::string& remote_dir) override;
  std::optional<std::string> read_file(const std::string& path, std::uint64_t max_bytes) override;
  void write_file(const std::string& path, const std::string& content) override;
  void remove_tree(const std::string& path) override;
  CollectedFile collect_file(const std::string& root, const std::string& rel, std::uint64_t limit) override;

 private:
  ProcessExecutor process_;
};

}  // namespace grader
