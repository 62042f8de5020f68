// SHA-256 (OpenSSL's libcrypto): the digests of provenance, rubric and submission identity.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace grader {

// Lowercase hex of the SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// The SHA-256 of a file's bytes, read in blocks; throws std::runtime_error naming the file when it
// cannot be read.
std::string sha256_file_hex(const std::filesystem::path& file);

// An incremental digest, for data that comes in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex();  // the digest; the object is spent afterwards

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace grader
