// SshTransport's file operations over the session's SFTP channel: whole files written and read
// in 32 KiB chunks, a run's collected files read only from inside its workdir (the server's
// canonical paths, so that a learner's symlink out of it reads as absent), and a local directory
// uploaded as it is (modes, links as links). SFTP status codes become messages that say what
// failed on which path; a connection that died on the way is ConnectionLost.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "runners/ssh/ssh_session.h"

namespace grader::ssh {

// Creates or truncates `path` (open flags O_WRONLY|O_CREAT|O_TRUNC and `extra_flags`) with
// `mode`, and writes the data.
void sftp_put(Session& s, const std::string& path, const char* data, std::size_t n, mode_t mode,
              int extra_flags);

// At most max_bytes of the file; nullopt when it does not exist. `size`: the file's size.
std::optional<std::string> sftp_get(Session& s, const std::string& path, std::uint64_t max_bytes,
                                    std::uint64_t* size = nullptr);

// The server's canonical form of `path` (symlinks resolved); empty when it does not resolve.
std::string sftp_real_path(Session& s, const std::string& path);

// `full` read as a collected file when it is a regular file whose real path lies under
// `real_root` (the workdir's canonical path); absent otherwise.
CollectedFile sftp_collect(Session& s, const std::string& real_root, const std::string& full,
                           std::uint64_t limit);

// The contents of `local_dir` into `remote_dir` (which exists): directories, regular files and
// symlinks with their modes; sockets, fifos and devices skipped.
void sftp_upload_tree(Session& s, const std::filesystem::path& local_dir, const std::string& remote_dir);

}  // namespace grader::ssh
