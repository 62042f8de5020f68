// Who is who on a new SSH connection, once the handshake is done: the server's host key checked
// strictly against known_hosts (an unknown or changed key is a TransportError with the
// fingerprint, the file and what to do; nothing is ever added to it), then our user
// authenticated: the target's identity file, then the agent, the config's IdentityFile and
// ~/.ssh/id_*; then, when the server asks for it (a second factor after the key),
// keyboard-interactive, answered by second_factor.h. A refusal says what was tried and what the
// server accepts.
#pragma once

#include "runners/ssh/ssh_session.h"
#include "runners/ssh/ssh_target.h"

namespace grader::ssh {

// Throws TransportError unless the key the server presented is the one known_hosts has for it.
void verify_host_key(Session& session, const SshTarget& target);

// Throws TransportError unless the server let us in.
void authenticate(Session& session, const SshTarget& target);

}  // namespace grader::ssh
