// Where keyboard-interactive answers come from; see second_factor.h.
#include "runners/ssh/second_factor.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "grader/run/transport.h"
#include "grader/util/text.h"
#include "runners/process/run_io.h"
#include "runners/process/spawn.h"

namespace grader {

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string from_askpass(const std::string& program, const KbdintPrompt& p) {
  // OpenSSH shows the askpass "(user@host) PROMPT"; the instruction is for a terminal.
  ProgramOutput r;
  try {
    r = run_program({program, "(" + p.user_host + ") " + p.text});
  } catch (const std::system_error& e) {
    throw TransportError(p.where + ": cannot run SSH_ASKPASS " + program + " for the prompt '" +
                         terminal_safe(p.text) + "': " + e.what());
  }
  if (r.exit_code != 0) {
    throw TransportError(p.where + ": SSH_ASKPASS " + program + " " +
                         (r.signal ? "was killed by signal " + std::to_string(r.signal)
                                   : "exited with " + std::to_string(r.exit_code)) +
                         " instead of answering '" + terminal_safe(p.text) + "'");
  }
  // Its first line, as OpenSSH reads it; spaces in the answer are the answer's.
  return first_line(r.out);
}

// Echo off for a secret, restored on every path.
struct EchoOff {
  int fd;
  bool changed = false;
  termios saved{};
  EchoOff(int tty, bool off) : fd(tty) {
    if (off && ::tcgetattr(fd, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      changed = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (changed) {
      ::tcsetattr(fd, TCSAFLUSH, &saved);
      (void)!::write(fd, "\n", 1);  // the newline the human typed was not echoed
    }
  }
};

std::string from_terminal(int tty, const KbdintPrompt& p) {
  // Server text is untrusted: shown terminal-safe, so it cannot drive the terminal.
  std::string shown;
  for (const std::string* s : {&p.name, &p.instruction}) {
    if (!s->empty()) shown += terminal_safe(*s) + "\n";
  }
  shown += "(" + p.user_host + ") " + terminal_safe(p.text);
  if (::write(tty, shown.data(), shown.size()) < 0) {
    throw TransportError(p.where + ": cannot write the prompt to the terminal: " + std::strerror(errno));
  }
  std::string line;
  {
    EchoOff echo(tty, !p.echo);
    char c;
    for (;;) {
      ssize_t n = ::read(tty, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == '\n') break;
      line += c;
    }
  }
  return first_line(line);
}

}  // namespace

std::string no_answer_message(const KbdintPrompt& p, const std::string& why) {
  return p.where + ": the server asks for a second factor (keyboard-interactive: '" + terminal_safe(p.text) +
         "') and " + why +
         ". Either set SSH_ASKPASS to a program that prints the answer (with "
         "SSH_ASKPASS_REQUIRE=force it is used even with a terminal), or open an OpenSSH "
         "ControlMaster once, typing your code (ssh -M -N -f -o ControlPersist=4h -o "
         "ControlPath='~/.ssh/cm-%C' HOST), and let the grader ride on it "
         "(GRADER_SSH_CLIENT=openssh, or auto; docs/ssh.md)";
}

std::string answer_prompt(const KbdintPrompt& p) {
  const std::string askpass = env_or_empty("SSH_ASKPASS");
  const std::string require = env_or_empty("SSH_ASKPASS_REQUIRE");
  if (require == "force") {
    if (askpass.empty()) {
      throw TransportError(no_answer_message(p, "SSH_ASKPASS_REQUIRE=force but SSH_ASKPASS is not set"));
    }
    return from_askpass(askpass, p);
  }
  runio::Fd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!tty.valid()) {
    if (!askpass.empty() && require != "never") return from_askpass(askpass, p);
    throw TransportError(no_answer_message(p, "there is no terminal to ask on and SSH_ASKPASS is not set"));
  }
  return from_terminal(tty.get(), p);
}

}  // namespace grader
