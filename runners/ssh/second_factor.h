// Answers to a login node's keyboard-interactive prompts (a one-time password after the key, as
// UPPMAX asks from outside its network), found where OpenSSH's own client finds them:
//   SSH_ASKPASS, when SSH_ASKPASS_REQUIRE=force, or when it is set and there is no terminal;
//   else the controlling terminal (/dev/tty), echo off unless the prompt says otherwise;
//   else nothing: a TransportError that quotes the prompt and names the two ways out.
// No libssh here: the transport runs the protocol rounds and asks this for each answer.
#pragma once

#include <string>

namespace grader {

struct KbdintPrompt {
  std::string where;      // "ssh://root@127.0.0.1:2222", for messages
  std::string user_host;  // "root@127.0.0.1", shown to the askpass as OpenSSH does
  std::string name;       // the server's name and instruction for this round (may be empty)
  std::string instruction;
  std::string text;  // "One-time password (OATH) for `root': "
  bool echo = false;
};

// The answer to one prompt. Throws TransportError when there is nowhere to get it from, or the
// askpass program fails. Never retries by itself.
std::string answer_prompt(const KbdintPrompt& prompt);

// What the TransportError says when the server wants keyboard-interactive and nothing here can
// answer: the target, the prompt, and the two ways out (SSH_ASKPASS; an OpenSSH ControlMaster).
std::string no_answer_message(const KbdintPrompt& prompt, const std::string& why);

}  // namespace grader
