// SshTarget: where an SSH transport connects, as a plain value. Parsed from an `ssh://` URL or a
// host alias, then completed from an ssh_config file the way OpenSSH resolves a host (HostName,
// User, Port, UserKnownHostsFile, ProxyJump), with what the user wrote explicitly winning over
// the config. libssh stays in the .cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace grader {

struct SshTarget {
  std::string alias;  // the name as given (a ~/.ssh/config Host alias, or the host itself)
  std::string user;   // empty: the config's User, else the local user name
  std::string host;   // what is connected to (the config's HostName when it has one)
  std::uint16_t port = 22;
  std::filesystem::path identity_file;               // empty: the config's IdentityFile, ~/.ssh/id_*, agent
  std::filesystem::path known_hosts_file;            // empty: ~/.ssh/known_hosts (and the global file)
  std::optional<std::string> proxy_jump;             // "user@host:port" of one jump host
  std::optional<std::string> proxy_command;          // a config ProxyCommand (run by /bin/sh), if any
  std::optional<std::filesystem::path> config_file;  // nullopt: ~/.ssh/config + /etc/ssh/ssh_config

  // `ssh://[user@]host[:port]` (IPv6 as `[::1]`), or `[user@]alias`. Then the config file's
  // matching Host blocks fill in what the name did not say. Throws std::invalid_argument with a
  // message that quotes the input and says what is wrong.
  static SshTarget parse(const std::string& url_or_alias,
                         const std::optional<std::filesystem::path>& config_file);

  // "ssh://user@host:port" (user omitted when unknown), "+ via jump" when there is one.
  std::string url() const;
};

}  // namespace grader
