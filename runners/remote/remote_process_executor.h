// RemoteProcessExecutor: ordinary command runs on another machine through a Transport (the login
// node of a cluster over SSH). prepare_workspace uploads the staged workspace into a fresh
// directory there; run() runs the command in it with the transport's limits and reads back the
// files the rubric collects; release_workspace removes the directory.
#pragma once

#include <mutex>

#include "grader/run/transport.h"

namespace grader {

class RemoteProcessExecutor final : public Executor {
 public:
  explicit RemoteProcessExecutor(Transport& transport) : transport_(transport) {}

  RunResult run(const RunRequest& request) override;
  std::string name() const override { return "process"; }
  std::vector<std::string> isolation() const override { return {"timeout"}; }
  std::string transport() const override { return transport_.name(); }
  std::filesystem::path prepare_workspace(const std::filesystem::path& local_dir) override;
  void release_workspace(const std::filesystem::path& workdir) override;

 private:
  Transport& transport_;
  std::mutex mu_;  // one call on the transport at a time
};

}  // namespace grader
