// std::optional in JSON as its value or null, both ways: run records and run specs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

namespace grader {

template <typename T>
nlohmann::json json_or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

template <typename T>
std::optional<T> optional_from_json(const nlohmann::json& j) {
  return j.is_null() ? std::nullopt : std::optional<T>(j.get<T>());
}

}  // namespace grader
