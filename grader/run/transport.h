// The Transport seam: moves files to a machine and starts commands there. `local` runs them on
// this machine; `ssh` (libssh, one connection reused) on a cluster's login node. Executors that
// need the scheduler or a remote work directory (slurm, remote process) are built on a Transport.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "grader/run/executor.h"

namespace grader {

// The machine or the connection failed (unreachable, authentication, dropped, disk full): the
// runner's fault, exit 3. Never thrown for what learner code did.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Transport {
 public:
  virtual ~Transport() = default;

  virtual std::string name() const = 0;      // "local", "ssh"
  virtual std::string describe() const = 0;  // "local", "ssh://user@host:port"

  // Runs a command there to completion with the request's limits. request.workdir is a path on
  // that machine. Learner failures come back as data; a broken transport throws TransportError.
  virtual RunResult run(const RunRequest& request) = 0;

  // A fresh private directory there; the caller removes it with remove_tree.
  virtual std::string make_temp_dir(const std::string& prefix) = 0;
  // Copies a local directory's contents into `remote_dir` (which exists).
  virtual void upload(const std::filesystem::path& local_dir, const std::string& remote_dir) = 0;
  // At most max_bytes of a file there; nullopt when it does not exist.
  virtual std::optional<std::string> read_file(const std::string& path, std::uint64_t max_bytes) = 0;
  virtual void write_file(const std::string& path, const std::string& content) = 0;
  virtual void remove_tree(const std::string& path) = 0;
  // A run's collected file there: `rel` under `root` (the run's workdir there), read only when it
  // is a regular file whose real path stays inside root. Anything else (a symlink the learner
  // pointed at /etc/shadow or the grader's ~/.ssh, a directory, nothing) reads as absent. At most
  // `limit` bytes kept; size is the file's, truncated set when it is larger. Call it once nothing
  // of the run is alive any more.
  virtual CollectedFile collect_file(const std::string& root, const std::string& rel,
                                     std::uint64_t limit) = 0;
};

}  // namespace grader
