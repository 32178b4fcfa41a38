// Lookup of component kinds by id or alias. Unknown names are errors that list what is valid.
#pragma once

#include "timemory/core/component_info.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tim {

/// Thrown for a component name that is neither an id nor an alias. what() names the bad input,
/// the closest matches and every valid id.
class unknown_component : public std::invalid_argument {
  public:
    explicit unknown_component(std::string_view name);
    const std::string& name() const noexcept { return m_name; }
    const std::vector<std::string>& suggestions() const noexcept { return m_suggestions; }

  private:
    std::string m_name;
    std::vector<std::string> m_suggestions;
};

namespace registry {

/// Slot for components registered at run time (templates, user components).
inline constexpr std::uint16_t dynamic_index = 0xffff;

/// Register a component kind. A fixed index must be free; dynamic_index takes the next free
/// slot above the built-ins. Returns the index used. Thread-safe.
std::uint16_t add(component_info info);

/// nullptr if no component has this id or alias (case-insensitive; '-' and '_' equivalent).
const component_info* find(std::string_view id_or_alias) noexcept;

/// Like find(), but throws unknown_component.
const component_info& get(std::string_view id_or_alias);

/// nullptr for an empty slot.
const component_info* at(std::uint16_t index) noexcept;

/// Give a component whose values are chosen at run time (papi_array's events, cupti_counters'
/// metrics) its value layout: one value_info per value, raw_count and value_count set to
/// `raw_count` and values.size(). Allowed once per component, when its run-time list is fixed
/// (papi_array's and cupti_counters' configuration, reached from their unavailable() check or
/// their current_configuration()), before anything is sized from it (bundles and call graphs
/// size their buffers at lookup).
/// Throws std::logic_error when the slot is empty or was completed already.
void set_value_layout(std::uint16_t index, std::vector<value_info> values, unsigned raw_count);

/// Every registered component, in index order.
std::vector<const component_info*> all();

/// "" when the component can measure here, else why not (no GPU, PAPI failed, ...).
std::string unavailable_reason(const component_info& info);

/// What separates the names of a component list.
inline constexpr std::string_view list_separators = ",; \t\n";

/// Parse "wall_clock, cpu_clock peak_rss" (separators: comma, space, semicolon) into components.
/// Throws unknown_component on the first bad name; duplicates are dropped, and so are components
/// that cannot measure here (see usable()).
std::vector<const component_info*> parse_list(std::string_view spec);

/// What parse_list_keep_known() found in a list.
struct parsed_list {
    std::vector<const component_info*> components;  ///< as parse_list gives them
    std::vector<unknown_component> unknown;         ///< one per unknown name, in list order
    std::size_t names = 0;                          ///< names in the list, known or not
};

/// Like parse_list(), but an unknown name does not cost the others: the known names are parsed
/// and each unknown one is returned (with its close matches) instead of thrown.
parsed_list parse_list_keep_known(std::string_view spec);

/// `components` without those that cannot measure here (no GPU, PAPI failed, ...). Each one
/// dropped is reported once per process with its reason; the rest keep measuring.
std::vector<const component_info*> usable(std::vector<const component_info*> components);

}  // namespace registry
}  // namespace tim
