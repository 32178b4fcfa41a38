#include "timemory/core/registry.hpp"

#include "timemory/core/close_matches.hpp"
#include "timemory/core/log.hpp"
#include "timemory/core/plugins.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <memory>
#include <mutex>

namespace tim {
namespace {

struct registry_data {
    std::mutex mutex;
    std::array<std::unique_ptr<component_info>, max_components> slots;
    std::bitset<max_components> layout_set;  ///< set_value_layout() was called for the slot
};
registry_data& data() {
    static auto* instance = new registry_data{};
    return *instance;
}

std::string normalize(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '-') c = '_';
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    // trim
    const auto b = out.find_first_not_of(" \t");
    const auto e = out.find_last_not_of(" \t");
    return b == std::string::npos ? std::string{} : out.substr(b, e - b + 1);
}

std::vector<std::string> valid_ids() {
    std::vector<std::string> ids;
    for (const auto* info : registry::all()) ids.emplace_back(info->id);
    return ids;
}

std::string unknown_message(std::string_view name, const std::vector<std::string>& close) {
    std::string msg = "unknown component '" + std::string{name} + "'";
    if (!close.empty()) {
        msg += "; did you mean ";
        for (std::size_t i = 0; i < close.size(); ++i) {
            msg += (i ? ", '" : "'") + close[i] + "'";
        }
        msg += "?";
    }
    msg += " Valid components:";
    for (const auto& id : valid_ids()) msg += " " + id;
    return msg;
}

std::vector<std::string> all_names() {
    std::vector<std::string> names;
    for (const auto* info : registry::all()) {
        names.emplace_back(info->id);
        for (auto alias : info->aliases) names.emplace_back(alias);
    }
    return names;
}

}  // namespace

unknown_component::unknown_component(std::string_view name)
    : std::invalid_argument{unknown_message(name, close_matches(name, all_names()))},
      m_name{name},
      m_suggestions{close_matches(name, all_names())} {}

namespace registry {

std::uint16_t add(component_info info) {
    // Regions and runtime bundles sample into fixed stack buffers of these sizes.
    if (info.raw_count > max_component_raw || info.value_count > max_component_values) {
        throw std::invalid_argument("timemory: component '" + std::string{info.id} + "' has " +
                                    std::to_string(info.raw_count) + " raw and " +
                                    std::to_string(info.value_count) + " values; at most " +
                                    std::to_string(max_component_raw) + " and " +
                                    std::to_string(max_component_values) + " are supported");
    }
    auto& d = data();
    std::lock_guard<std::mutex> lock{d.mutex};
    std::uint16_t index = info.index;
    if (index == dynamic_index) {
        index = slots::dynamic.begin;
        while (index < max_components && d.slots[index]) ++index;
        if (index >= max_components) throw std::length_error("timemory: component registry full");
    } else if (index >= max_components || d.slots[index]) {
        throw std::logic_error("timemory: component slot " + std::to_string(index) + " for '" +
                               std::string{info.id} + "' is taken or out of range");
    }
    info.index = index;
    d.slots[index] = std::make_unique<component_info>(std::move(info));
    return index;
}

const component_info* at(std::uint16_t index) noexcept {
    if (index >= max_components) return nullptr;
    return data().slots[index].get();
}

void set_value_layout(std::uint16_t index, std::vector<value_info> values, unsigned raw_count) {
    detail::load_plugins();
    auto& d = data();
    std::lock_guard<std::mutex> lock{d.mutex};
    component_info* info = index < max_components ? d.slots[index].get() : nullptr;
    if (info == nullptr) {
        throw std::logic_error("registry::set_value_layout: no component in slot " +
                               std::to_string(index));
    }
    if (d.layout_set[index]) {
        throw std::logic_error("registry::set_value_layout: the values of '" +
                               std::string{info->id} + "' were set already");
    }
    if (values.size() > max_component_values || raw_count > max_component_raw) {
        throw std::logic_error("registry::set_value_layout: '" + std::string{info->id} +
                               "' would have more than " + std::to_string(max_component_values) +
                               " values");
    }
    d.layout_set[index] = true;
    // Written under the lock, but read without one: callers guarantee nothing was sized from the
    // entry yet (see the header), so no reader can be looking at these fields.
    info->value_count = static_cast<unsigned>(values.size());
    info->raw_count = raw_count;
    info->values = std::move(values);
}

std::vector<const component_info*> all() {
    detail::load_plugins();
    auto& d = data();
    std::lock_guard<std::mutex> lock{d.mutex};
    std::vector<const component_info*> out;
    for (const auto& slot : d.slots) {
        if (slot) out.push_back(slot.get());
    }
    return out;
}

const component_info* find(std::string_view id_or_alias) noexcept {
    const std::string key = normalize(id_or_alias);
    if (key.empty()) return nullptr;
    for (const auto* info : all()) {
        if (normalize(info->id) == key) return info;
        for (auto alias : info->aliases) {
            if (normalize(alias) == key) return info;
        }
    }
    return nullptr;
}

const component_info& get(std::string_view id_or_alias) {
    if (const auto* info = find(id_or_alias)) return *info;
    throw unknown_component{id_or_alias};
}

std::string unavailable_reason(const component_info& info) {
    return info.unavailable ? info.unavailable() : std::string{};
}

namespace {
// The names of a list, known ones resolved (usable() not applied yet).
parsed_list split_list(std::string_view spec) {
    parsed_list out;
    std::size_t pos = 0;
    while (pos < spec.size()) {
        const auto end = spec.find_first_of(list_separators, pos);
        const auto token = spec.substr(pos, end == std::string_view::npos ? end : end - pos);
        if (!token.empty()) {
            ++out.names;
            const auto* info = find(token);
            if (info == nullptr) {
                out.unknown.emplace_back(token);
            } else if (std::find(out.components.begin(), out.components.end(), info) ==
                       out.components.end()) {
                out.components.push_back(info);
            }
        }
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return out;
}
}  // namespace

parsed_list parse_list_keep_known(std::string_view spec) {
    auto parsed = split_list(spec);
    parsed.components = usable(std::move(parsed.components));
    return parsed;
}

std::vector<const component_info*> parse_list(std::string_view spec) {
    auto parsed = split_list(spec);
    // Thrown before usable() reports anything: a rejected list changes nothing, says one thing.
    if (!parsed.unknown.empty()) throw parsed.unknown.front();
    return usable(std::move(parsed.components));
}

std::vector<const component_info*> usable(std::vector<const component_info*> components) {
    static std::mutex mutex;
    static std::array<bool, max_components> reported{};
    std::erase_if(components, [](const component_info* info) {
        const std::string reason = unavailable_reason(*info);
        if (reason.empty()) return false;
        std::lock_guard<std::mutex> lock{mutex};
        if (!reported[info->index]) {
            reported[info->index] = true;
            log::warning("component '", info->id, "' is not available here (", reason,
                         "); measuring the others without it");
        }
        return true;
    });
    return components;
}

}  // namespace registry
}  // namespace tim
