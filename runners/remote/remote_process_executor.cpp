// Command runs over a Transport; see remote_process_executor.h.
#include "runners/remote/remote_process_executor.h"

namespace grader {

std::filesystem::path RemoteProcessExecutor::prepare_workspace(const std::filesystem::path& local_dir) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string dir = transport_.make_temp_dir("grader-run-");
  try {
    transport_.upload(local_dir, dir);
  } catch (...) {
    transport_.remove_tree(dir);
    throw;
  }
  return dir;
}

void RemoteProcessExecutor::release_workspace(const std::filesystem::path& workdir) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    transport_.remove_tree(workdir.string());
  } catch (...) {
  }
}

RunResult RemoteProcessExecutor::run(const RunRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  RunResult res = transport_.run(request);
  for (const auto& rel : request.collect) {
    if (!res.files.count(rel))
      res.files[rel] = transport_.collect_file(request.workdir.string(), rel, request.output_limit);
  }
  return res;
}

}  // namespace grader
