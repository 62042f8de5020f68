// The local Transport; see local_transport.h.
#include "runners/local/local_transport.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "grader/report/atomic_write.h"
#include "runners/process/run_io.h"

namespace grader {

namespace fs = std::filesystem;

std::string LocalTransport::make_temp_dir(const std::string& prefix) {
  std::string templ = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (!mkdtemp(templ.data()))
    throw TransportError("cannot create a directory like " + templ + ": " + std::strerror(errno));
  return templ;
}

void LocalTransport::upload(const fs::path& local_dir, const std::string& remote_dir) {
  std::error_code ec;
  fs::copy(local_dir, remote_dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec)
    throw TransportError("cannot copy " + local_dir.string() + " to " + remote_dir + ": " + ec.message());
}

std::optional<std::string> LocalTransport::read_file(const std::string& path, std::uint64_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(max_bytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(max_bytes));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

CollectedFile LocalTransport::collect_file(const std::string& root, const std::string& rel,
                                           std::uint64_t limit) {
  // runio::collect_file compares real paths: the root must be one too.
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) return {};
  return runio::collect_file(real_root, rel, limit);
}

void LocalTransport::write_file(const std::string& path, const std::string& content) {
  try {
    atomic_write(path, content);
  } catch (const std::exception& e) {
    throw TransportError(e.what());
  }
}

void LocalTransport::remove_tree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace grader
