// Host key check and user authentication over libssh 0.10; see ssh_auth.h.
#include "runners/ssh/ssh_auth.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "grader/util/text.h"
#include "runners/ssh/second_factor.h"

namespace grader::ssh {

namespace {

// A server that keeps asking is not answered forever: PAM stacks ask one or two rounds (a code,
// then an empty round that ends the conversation).
constexpr int kKbdintRounds = 8;

std::string home_path(const std::string& rel) {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/" + rel : "~/" + rel;
}

// The host as known_hosts names it.
std::string known_host_name(const SshTarget& t) {
  return t.port == 22 ? t.host : "[" + t.host + "]:" + std::to_string(t.port);
}

// "NAME presents the TYPE key SHA256:...", from the key the server sent.
std::string presented_key(Session& sess, const std::string& name) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(sess.s, &key) != SSH_OK) {
    throw TransportError(sess.where + ": the server sent no host key: " + sess.error());
  }
  std::string fingerprint = "(unknown)";
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == SSH_OK) {
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    if (fp) {
      fingerprint = fp;
      ssh_string_free_char(fp);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  const std::string key_type = ssh_key_type_to_char(ssh_key_type(key));
  ssh_key_free(key);
  return name + " presents the " + key_type + " key " + fingerprint;
}

std::string user_name(Session& sess, const SshTarget& target) {
  std::string name = target.user;
  char* user = nullptr;
  if (name.empty() && ssh_options_get(sess.s, SSH_OPTIONS_USER, &user) == SSH_OK && user) {
    name = user;
    ssh_string_free_char(user);
  }
  return name;
}

void check_auth(Session& sess, int rc) {
  if (rc == SSH_AUTH_ERROR) sess.failed("authenticating");
}

// The target's own identity file, when it names one; `rc` stands when the file is no key.
int try_identity_file(Session& sess, const SshTarget& target, int rc, std::vector<std::string>& tried) {
  const std::string file = target.identity_file.string();
  ssh_key priv = nullptr;
  if (ssh_pki_import_privkey_file(file.c_str(), nullptr, nullptr, nullptr, &priv) == SSH_OK) {
    rc = ssh_userauth_publickey(sess.s, nullptr, priv);
    ssh_key_free(priv);
    tried.push_back("key " + file + " (refused)");
  } else {
    tried.push_back("key " + file + " (unreadable, not a private key, or protected by a passphrase)");
  }
  check_auth(sess, rc);
  return rc;
}

// The agent, the config's IdentityFile and ~/.ssh/id_*.
int try_default_keys(Session& sess, std::vector<std::string>& tried) {
  int rc = ssh_userauth_publickey_auto(sess.s, nullptr, nullptr);
  tried.push_back(std::string(std::getenv("SSH_AUTH_SOCK") ? "the agent, " : "no agent, ") +
                  "the config's IdentityFile and ~/.ssh/id_* (refused or none)");
  check_auth(sess, rc);
  return rc;
}

// One round's prompts, each answered by second_factor.h. Returns how many were answered.
int answer_round(Session& sess, KbdintPrompt& p) {
  ssh_session s = sess.s;
  p.name = ssh_userauth_kbdint_getname(s);
  p.instruction = ssh_userauth_kbdint_getinstruction(s);
  const int n = ssh_userauth_kbdint_getnprompts(s);
  for (int i = 0; i < n; ++i) {
    char echo = 0;
    const char* text = ssh_userauth_kbdint_getprompt(s, static_cast<unsigned int>(i), &echo);
    p.text = text ? text : "";
    p.echo = echo != 0;
    const std::string answer = answer_prompt(p);
    if (ssh_userauth_kbdint_setanswer(s, static_cast<unsigned int>(i), answer.c_str()) < 0) {
      sess.failed("answering the keyboard-interactive prompt");
    }
  }
  return n;
}

// keyboard-interactive to the end. Returns SSH_AUTH_SUCCESS or throws: a refused answer is "the
// server refused the second factor", never a retry.
int keyboard_interactive(Session& sess, const SshTarget& target, bool after_key) {
  KbdintPrompt p;
  p.where = sess.where;
  p.user_host = user_name(sess, target) + "@" + target.host;
  int answered = 0;
  int rc = ssh_userauth_kbdint(sess.s, nullptr, nullptr);
  for (int round = 0; rc == SSH_AUTH_INFO; ++round) {
    if (round >= kKbdintRounds) {
      throw TransportError(sess.where + ": the server asked more than " + std::to_string(kKbdintRounds) +
                           " rounds of keyboard-interactive questions; gave up");
    }
    answered += answer_round(sess, p);
    rc = ssh_userauth_kbdint(sess.s, nullptr, nullptr);
  }
  if (rc == SSH_AUTH_ERROR) sess.failed("keyboard-interactive authentication");
  if (rc == SSH_AUTH_SUCCESS) return rc;
  const std::string factor = after_key ? "the second factor" : "the keyboard-interactive answers";
  throw TransportError(sess.where + ": the server refused " + factor +
                       (answered ? " (" + std::to_string(answered) + " answer" + (answered > 1 ? "s" : "") +
                                       " given, last prompt '" + terminal_safe(p.text) + "')"
                                 : " without asking anything") +
                       (after_key ? "; the key itself was accepted. A wrong or already used one-time code "
                                    "looks like this"
                                  : ""));
}

// After the keys: a second factor when the server asks for one (PARTIAL: the key was accepted).
int try_second_factor(Session& sess, const SshTarget& target, int rc) {
  const int methods = ssh_userauth_list(sess.s, nullptr);
  if (methods & SSH_AUTH_METHOD_INTERACTIVE)
    return keyboard_interactive(sess, target, rc == SSH_AUTH_PARTIAL);
  if (rc == SSH_AUTH_PARTIAL) {
    throw TransportError(sess.where +
                         ": the key was accepted but the server wants another method "
                         "after it, which the grader cannot do (docs/ssh.md)");
  }
  return rc;
}

std::string refused_message(Session& sess, const SshTarget& target, const std::vector<std::string>& tried) {
  const int methods = ssh_userauth_list(sess.s, nullptr);
  std::vector<std::string> accepts;
  if (methods & SSH_AUTH_METHOD_PUBLICKEY) accepts.push_back("publickey");
  if (methods & SSH_AUTH_METHOD_PASSWORD) accepts.push_back("password");
  if (methods & SSH_AUTH_METHOD_INTERACTIVE) accepts.push_back("keyboard-interactive");
  if (methods & SSH_AUTH_METHOD_GSSAPI_MIC) accepts.push_back("gssapi");
  return sess.where + ": authentication refused for user '" + user_name(sess, target) +
         "' (tried: " + join(tried, "; ") +
         "; the server accepts: " + (accepts.empty() ? "nothing we can offer" : join(accepts)) + ")";
}

}  // namespace

// libssh does not check the host key by itself.
void verify_host_key(Session& sess, const SshTarget& target) {
  const std::string& where = sess.where;
  const std::string kh_file =
      target.known_hosts_file.empty() ? home_path(".ssh/known_hosts") : target.known_hosts_file.string();
  const std::string name = known_host_name(target);
  const std::string presented = presented_key(sess, name);
  switch (ssh_session_is_known_server(sess.s)) {
    case SSH_KNOWN_HOSTS_OK: return;
    case SSH_KNOWN_HOSTS_CHANGED:
      throw TransportError(
          where + ": HOST KEY CHANGED: " + presented + ", but " + kh_file +
          " has a different key for it. Someone may be intercepting the connection, or the host "
          "was re-keyed. If the cluster announced new host keys, check the fingerprint against "
          "them, remove the old entry (ssh-keygen -R '" +
          name + "' -f " + kh_file + ") and add the new one. Nothing was sent to the host.");
    case SSH_KNOWN_HOSTS_OTHER:
      throw TransportError(where + ": host key mismatch: " + presented + ", but " + kh_file +
                           " has a key of another type for it; treated as a changed key. Check "
                           "the fingerprint against the cluster's published ones before "
                           "updating " +
                           kh_file + ".");
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      throw TransportError(
          where + ": unknown host key: " + presented + ", which is not in " + kh_file +
          ". Check this fingerprint against the one the cluster publishes, then add the key to " + kh_file +
          " (for example `ssh -o UserKnownHostsFile=" + kh_file + " -p " + std::to_string(target.port) + " " +
          target.host + "` once, answering yes only if the fingerprints match). The grader never adds keys.");
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      throw TransportError(where + ": cannot check the host key against " + kh_file + ": " + sess.error());
  }
}

// The target's key, then the agent and the config's / default keys, then a second factor.
void authenticate(Session& sess, const SshTarget& target) {
  std::vector<std::string> tried;
  int rc = ssh_userauth_none(sess.s, nullptr);
  check_auth(sess, rc);
  if (rc != SSH_AUTH_SUCCESS && !target.identity_file.empty())
    rc = try_identity_file(sess, target, rc, tried);
  if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_PARTIAL) rc = try_default_keys(sess, tried);
  if (rc == SSH_AUTH_PARTIAL || rc == SSH_AUTH_DENIED) rc = try_second_factor(sess, target, rc);
  if (rc != SSH_AUTH_SUCCESS) throw TransportError(refused_message(sess, target, tried));
}

}  // namespace grader::ssh
