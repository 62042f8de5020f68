// Atomic report writes; see atomic_write.h.
#include "grader/report/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace grader {

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error("cannot write '" + path.string() + "': " + what + ": " + std::strerror(errno));
}

// Unlinks `tmp` keeping errno, for the error that follows.
void discard(const std::string& tmp) {
  int saved = errno;
  ::unlink(tmp.c_str());
  errno = saved;
}

// `content` in a new temporary file beside `path`, flushed to disk when `sync`; its name.
std::string write_temp(const std::filesystem::path& path, std::string_view content, bool sync) {
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string tmp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  int fd = mkstemp(tmp.data());
  if (fd < 0) fail(path, "creating a temporary file");
  fchmod(fd, 0644);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      discard(tmp);
      fail(path, "writing");
    }
    done += static_cast<std::size_t>(n);
  }
  if ((sync && ::fsync(fd) != 0) || ::close(fd) != 0) {
    discard(tmp);
    fail(path, "flushing");
  }
  return tmp;
}

void rename_into_place(const std::string& tmp, const std::filesystem::path& path) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    discard(tmp);
    fail(path, "renaming the temporary file into place");
  }
}

}  // namespace

void atomic_write(const std::filesystem::path& path, std::string_view content) {
  rename_into_place(write_temp(path, content, true), path);
}

bool write_if_changed(const std::filesystem::path& path, std::string_view content) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::ostringstream old;
    old << in.rdbuf();
    if (old.str() == content) return false;
  }
  atomic_write(path, content);
  return true;
}

AtomicBatch::~AtomicBatch() {
  for (const auto& [tmp, path] : pending_) ::unlink(tmp.c_str());
}

void AtomicBatch::add(const std::filesystem::path& path, std::string_view content) {
  pending_.emplace_back(write_temp(path, content, false), path);
}

void AtomicBatch::commit() {
  if (pending_.empty()) return;
  // One flush for every file of the batch: syncfs on the file system that holds them.
  int fd = ::open(pending_.front().first.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::syncfs(fd) != 0) {
    if (fd >= 0) ::close(fd);
    fail(pending_.front().second, "flushing");
  }
  ::close(fd);
  auto pending = std::move(pending_);
  pending_.clear();
  for (std::size_t i = 0; i < pending.size(); ++i) {
    try {
      rename_into_place(pending[i].first, pending[i].second);
    } catch (...) {
      for (std::size_t j = i + 1; j < pending.size(); ++j) ::unlink(pending[j].first.c_str());
      throw;
    }
  }
}

}  // namespace grader
