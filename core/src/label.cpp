#include "timemory/core/label.hpp"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace tim {
namespace {
struct label_registry {
    std::shared_mutex mutex;
    std::unordered_map<hash_value, std::string> texts;
};
label_registry& labels() {
    static auto* instance = new label_registry{};  // never destroyed: used during exit output
    return *instance;
}
}  // namespace

hash_value add_label(std::string_view text) {
    const hash_value hash = hash_label(text);
    auto& reg = labels();
    {
        std::shared_lock<std::shared_mutex> lock{reg.mutex};
        if (reg.texts.count(hash) != 0) return hash;
    }
    std::unique_lock<std::shared_mutex> lock{reg.mutex};
    reg.texts.try_emplace(hash, text);
    return hash;
}

std::string label_text(hash_value hash) {
    auto& reg = labels();
    std::shared_lock<std::shared_mutex> lock{reg.mutex};
    auto it = reg.texts.find(hash);
    if (it != reg.texts.end()) return it->second;
    return "unknown-hash=" + std::to_string(hash);
}

}  // namespace tim
