// SshTarget parsing and completion; see ssh_target.h. The config is read by libssh's own parser
// (ssh_options_parse_config), so a target resolves exactly as the transport's session will.
#include "runners/ssh/ssh_target.h"

#include <libssh/libssh.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>

namespace grader {
namespace {

[[noreturn]] void bad(const std::string& input, const std::string& why) {
  throw std::invalid_argument("invalid ssh target '" + input + "': " + why);
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

void check_host(const std::string& input, const std::string& host) {
  if (host.empty()) bad(input, "no host name");
  for (char c : host) {
    if (!host_char(c)) bad(input, std::string("the host name has a '") + c + "'");
  }
}

void check_user(const std::string& input, const std::string& user) {
  if (user.empty()) bad(input, "empty user name before '@'");
  if (user.find(':') != std::string::npos) {
    bad(input, "a password in the URL is not supported; use a key or the agent");
  }
  for (char c : user) {
    if (!(host_char(c) || c == '+')) bad(input, std::string("the user name has a '") + c + "'");
  }
}

// "user@rest" -> user (checked) and rest; `rest` unchanged when there is no '@'.
void take_user(const std::string& input, std::string& rest, std::string& user) {
  const std::size_t at = rest.find('@');
  if (at == std::string::npos) return;
  if (rest.find('@', at + 1) != std::string::npos) bad(input, "more than one '@'");
  user = rest.substr(0, at);
  check_user(input, user);
  rest = rest.substr(at + 1);
}

std::uint16_t parse_port(const std::string& input, const std::string& text) {
  if (text.empty() || text.size() > 5) bad(input, "the port must be a number from 1 to 65535");
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      bad(input, "the port must be a number from 1 to 65535");
    }
  }
  const long port = std::stol(text);
  if (port < 1 || port > 65535) bad(input, "the port must be a number from 1 to 65535");
  return static_cast<std::uint16_t>(port);
}

std::string expand_home(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (!home) return path;
  if (path == "~" || path.rfind("~/", 0) == 0) return std::string(home) + path.substr(1);
  if (path.rfind("%d/", 0) == 0) return std::string(home) + "/.ssh" + path.substr(2);
  return path;
}

std::optional<std::string> get_option(ssh_session s, ssh_options_e which) {
  char* value = nullptr;
  if (ssh_options_get(s, which, &value) != SSH_OK || !value) return std::nullopt;
  std::string out(value);
  ssh_string_free_char(value);
  return out;
}

// What the name says, before any config.
struct Written {
  std::string user;
  std::string host;
  std::optional<std::uint16_t> port;
};

Written parse_written(const std::string& input) {
  if (input.empty()) bad(input, "empty");
  for (char c : input) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) {
      bad(input, "it contains whitespace or a control character");
    }
  }
  Written w;
  const std::string scheme = "ssh://";
  if (input.rfind(scheme, 0) == 0) {
    std::string rest = input.substr(scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.find_first_of("/?#") != std::string::npos) {
      bad(input, "an ssh:// URL names a host only (ssh://user@host[:port]), no path or query");
    }
    take_user(input, rest, w.user);
    if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
      const std::size_t close = rest.find(']');
      if (close == std::string::npos) bad(input, "'[' without ']'");
      w.host = rest.substr(1, close - 1);
      if (w.host.empty() || w.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) {
        bad(input, "not an IPv6 address in brackets");
      }
      rest = rest.substr(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':') bad(input, "expected ':port' after ']'");
        w.port = parse_port(input, rest.substr(1));
      }
      return w;
    }
    const std::size_t colon = rest.find(':');
    w.host = rest.substr(0, colon);
    check_host(input, w.host);
    if (colon != std::string::npos) w.port = parse_port(input, rest.substr(colon + 1));
    return w;
  }
  if (input.find("://") != std::string::npos) bad(input, "only ssh:// URLs are supported");
  std::string rest = input;
  take_user(input, rest, w.user);
  if (rest.find(':') != std::string::npos) {
    bad(input, "a port needs the URL form: ssh://" + (w.user.empty() ? "" : w.user + "@") + rest);
  }
  check_host(input, rest);
  w.host = rest;
  return w;
}

// libssh 0.10 turns a config `ProxyJump [user@]host[:port]` into exactly this ProxyCommand;
// read it back as the one jump host it came from. A chain (-J) stays a ProxyCommand.
std::optional<std::string> jump_from_command(const std::string& command) {
  static const std::regex generated(R"(^ssh(?: -l ([^ ]+))?(?: -p ([0-9]+))? -W '\[%h\]:%p' ([^ ]+)$)");
  std::smatch m;
  if (!std::regex_match(command, m, generated)) return std::nullopt;
  std::string jump;
  if (m[1].matched) jump += m[1].str() + "@";
  jump += m[3].str();
  if (m[2].matched) jump += ":" + m[2].str();
  return jump;
}

}  // namespace

SshTarget SshTarget::parse(const std::string& url_or_alias,
                           const std::optional<std::filesystem::path>& config_file) {
  const Written written = parse_written(url_or_alias);
  SshTarget t;
  t.alias = written.host;
  t.config_file = config_file;
  if (config_file) {
    std::ifstream probe(*config_file);
    if (!probe) {
      throw std::invalid_argument("cannot read the ssh config file " + config_file->string());
    }
  }

  std::unique_ptr<ssh_session_struct, void (*)(ssh_session)> s(ssh_new(), ssh_free);
  if (!s) throw std::runtime_error("ssh_new failed (out of memory)");
  int quiet = SSH_LOG_NOLOG;
  ssh_options_set(s.get(), SSH_OPTIONS_LOG_VERBOSITY, &quiet);
  if (ssh_options_set(s.get(), SSH_OPTIONS_HOST, written.host.c_str()) != SSH_OK) {
    bad(url_or_alias, ssh_get_error(s.get()));
  }
  const char* file = config_file ? config_file->c_str() : nullptr;
  if (ssh_options_parse_config(s.get(), file) != 0) {
    throw std::invalid_argument("ssh config " +
                                (config_file ? config_file->string() : std::string("~/.ssh/config")) + ": " +
                                ssh_get_error(s.get()));
  }
  ssh_options_set(s.get(), SSH_OPTIONS_LOG_VERBOSITY, &quiet);  // over the config's LogLevel
  t.host = get_option(s.get(), SSH_OPTIONS_HOST).value_or(written.host);
  t.user = written.user.empty() ? get_option(s.get(), SSH_OPTIONS_USER).value_or("") : written.user;
  unsigned int port = 0;
  if (written.port) {
    t.port = *written.port;
  } else if (ssh_options_get_port(s.get(), &port) == SSH_OK && port > 0 && port <= 65535) {
    t.port = static_cast<std::uint16_t>(port);
  }
  if (auto kh = get_option(s.get(), SSH_OPTIONS_KNOWNHOSTS)) t.known_hosts_file = expand_home(*kh);
  if (auto pc = get_option(s.get(), SSH_OPTIONS_PROXYCOMMAND); pc && *pc != "none" && !pc->empty()) {
    if (auto jump = jump_from_command(*pc)) {
      t.proxy_jump = *jump;
    } else {
      t.proxy_command = *pc;
    }
  }
  return t;
}

std::string SshTarget::url() const {
  std::string out = "ssh://";
  if (!user.empty()) out += user + "@";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ":" + std::to_string(port);
  if (proxy_jump) out += " via " + *proxy_jump;
  return out;
}

}  // namespace grader
