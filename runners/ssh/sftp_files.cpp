// File operations over SFTP; see sftp_files.h.
#include "runners/ssh/sftp_files.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

namespace grader::ssh {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 32 * 1024;

// `code`: the SFTP status of the failed call, taken before anything else (sftp_close) can
// overwrite it; -1 reads it now.
[[noreturn]] void sftp_failed(Session& s, const std::string& what, const std::string& path, int code = -1) {
  if (!s.alive()) s.lost(what + " " + path);
  if (code < 0) code = sftp_get_error(s.sftp);
  std::string why;
  switch (code) {
    case SSH_FX_NO_SUCH_FILE: why = "no such file or directory"; break;
    case SSH_FX_PERMISSION_DENIED: why = "permission denied"; break;
    case SSH_FX_FILE_ALREADY_EXISTS: why = "it exists already"; break;
    case SSH_FX_FAILURE: why = "failure (a full disk or quota shows up as this)"; break;
    default: why = "SFTP error " + std::to_string(code) + ": " + s.error(); break;
  }
  throw TransportError(s.where + ": cannot " + what + " " + path + ": " + why);
}

// Links are copied as links, their target text unchanged (as the local copy does).
void upload_link(Session& s, const fs::path& p, const std::string& dest) {
  const std::string target = fs::read_symlink(p).string();
  sftp_unlink(s.sftp, dest.c_str());
  if (sftp_symlink(s.sftp, target.c_str(), dest.c_str()) != SSH_OK) sftp_failed(s, "create the link", dest);
}

// Private until its mode is set, after its contents (upload_tree).
void upload_dir(Session& s, const std::string& dest) {
  if (sftp_mkdir(s.sftp, dest.c_str(), 0700) == SSH_OK ||
      sftp_get_error(s.sftp) == SSH_FX_FILE_ALREADY_EXISTS) {
    return;
  }
  // OpenSSH answers FAILURE for an existing directory.
  sftp_attributes a = sftp_lstat(s.sftp, dest.c_str());
  const bool is_dir = a && a->type == SSH_FILEXFER_TYPE_DIRECTORY;
  if (a) sftp_attributes_free(a);
  if (!is_dir) sftp_failed(s, "create the directory", dest);
}

void upload_file(Session& s, const fs::path& p, const std::string& dest, mode_t mode) {
  std::ifstream in(p, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw TransportError("cannot read " + p.string());
  sftp_unlink(s.sftp, dest.c_str());  // a link there must not be written through
  sftp_put(s, dest, data.data(), data.size(), 0600, 0);
  if (sftp_chmod(s.sftp, dest.c_str(), mode) != SSH_OK) sftp_failed(s, "chmod", dest);
}

}  // namespace

void sftp_put(Session& s, const std::string& path, const char* data, std::size_t n, mode_t mode,
              int extra_flags) {
  sftp_file f = sftp_open(s.sftp, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | extra_flags, mode);
  if (!f) sftp_failed(s, "write", path);
  std::size_t done = 0;
  while (done < n) {
    std::size_t chunk = std::min<std::size_t>(n - done, kChunk);
    ssize_t w = sftp_write(f, data + done, chunk);
    if (w <= 0) {
      int code = sftp_get_error(s.sftp);
      sftp_close(f);
      sftp_failed(s, "write", path, code);
    }
    done += static_cast<std::size_t>(w);
  }
  if (sftp_close(f) != SSH_NO_ERROR) sftp_failed(s, "write", path);
}

std::optional<std::string> sftp_get(Session& s, const std::string& path, std::uint64_t max_bytes,
                                    std::uint64_t* size) {
  sftp_file f = sftp_open(s.sftp, path.c_str(), O_RDONLY, 0);
  if (!f) {
    if (!s.alive()) s.lost("reading " + path);
    if (sftp_get_error(s.sftp) == SSH_FX_NO_SUCH_FILE) return std::nullopt;
    sftp_failed(s, "read", path);
  }
  if (size) {
    sftp_attributes a = sftp_fstat(f);
    *size = a ? a->size : 0;
    if (a) sftp_attributes_free(a);
  }
  std::string data;
  char buf[kChunk];
  while (data.size() < max_bytes) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, max_bytes - data.size()));
    ssize_t r = sftp_read(f, buf, want);
    if (r < 0) {
      sftp_close(f);
      sftp_failed(s, "read", path);
    }
    if (r == 0) break;
    data.append(buf, static_cast<std::size_t>(r));
  }
  sftp_close(f);
  return data;
}

std::string sftp_real_path(Session& s, const std::string& path) {
  char* real = sftp_canonicalize_path(s.sftp, path.c_str());
  const std::string out = real ? real : "";
  if (real) ssh_string_free_char(real);
  return out;
}

CollectedFile sftp_collect(Session& s, const std::string& real_root, const std::string& full,
                           std::uint64_t limit) {
  CollectedFile f;
  const std::string real = real_root.empty() ? "" : sftp_real_path(s, full);
  sftp_attributes a = real.empty() ? nullptr : sftp_stat(s.sftp, real.c_str());
  const bool regular = a && a->type == SSH_FILEXFER_TYPE_REGULAR;
  if (a) sftp_attributes_free(a);
  if (regular && real.rfind(real_root + "/", 0) == 0) {
    std::uint64_t size = 0;
    if (auto data = sftp_get(s, real, limit, &size)) {
      f.exists = true;
      f.data = std::move(*data);
      f.size = size;
      f.truncated = size > f.data.size();
    }
  }
  return f;
}

void sftp_upload_tree(Session& s, const fs::path& local_dir, const std::string& remote_dir) {
  std::vector<std::pair<std::string, mode_t>> dir_modes;
  std::error_code walk_ec;
  for (auto it = fs::recursive_directory_iterator(local_dir, walk_ec);
       !walk_ec && it != fs::recursive_directory_iterator(); it.increment(walk_ec)) {
    const fs::path& p = it->path();
    // lexically_relative, not relative(): that one follows links.
    const std::string dest = remote_dir + "/" + p.lexically_relative(local_dir).generic_string();
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      throw TransportError("cannot upload " + p.string() + ": " + std::strerror(errno));
    }
    const mode_t mode = st.st_mode & 07777;
    if (S_ISLNK(st.st_mode)) {
      upload_link(s, p, dest);
    } else if (S_ISDIR(st.st_mode)) {
      upload_dir(s, dest);
      dir_modes.emplace_back(dest, mode);
    } else if (S_ISREG(st.st_mode)) {
      upload_file(s, p, dest, mode);
    }
    // Sockets, fifos, devices: not part of a submission; skipped.
  }
  if (walk_ec) throw TransportError("cannot upload " + local_dir.string() + ": " + walk_ec.message());
  // Directory modes last, deepest first: a read-only directory would refuse its own files.
  for (auto d = dir_modes.rbegin(); d != dir_modes.rend(); ++d) {
    if (sftp_chmod(s.sftp, d->first.c_str(), d->second) != SSH_OK) sftp_failed(s, "chmod", d->first);
  }
}

}  // namespace grader::ssh
