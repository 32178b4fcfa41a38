#include "nvtx/nvtx_labels.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tim::gpu::nvtx {
namespace {

struct owned_entry {
    label_entry entry;
    std::string text;  ///< what entry.attributes points at when the tool registers no strings
};

struct label_table {
    std::mutex mutex;
    std::unordered_map<hash_value, std::unique_ptr<owned_entry>> known;
    /// Hashes pushed before their text was registered, kept apart so that the real text wins
    /// once it is known.
    std::unordered_map<hash_value, std::unique_ptr<owned_entry>> unknown;
};

label_table& table() {
    static auto* instance = new label_table{};  // never destroyed: tools may outlive statics
    return *instance;
}

std::unique_ptr<owned_entry> make_entry(nvtxDomainHandle_t domain, hash_value hash,
                                        std::string text) {
    auto owned = std::make_unique<owned_entry>();
    owned->text = std::move(text);
    nvtxEventAttributes_t& a = owned->entry.attributes;
    a = nvtxEventAttributes_t{};
    a.version = NVTX_VERSION;
    a.size = NVTX_EVENT_ATTRIB_STRUCT_SIZE;
    a.colorType = NVTX_COLOR_ARGB;
    a.color = label_color(hash);
    // A tool that does not implement string registration returns null: send the text instead.
    if (nvtxStringHandle_t handle = nvtxDomainRegisterStringA(domain, owned->text.c_str())) {
        a.messageType = NVTX_MESSAGE_TYPE_REGISTERED;
        a.message.registered = handle;
    } else {
        a.messageType = NVTX_MESSAGE_TYPE_ASCII;
        a.message.ascii = owned->text.c_str();
    }
    return owned;
}

}  // namespace

std::uint32_t label_color(hash_value hash) noexcept {
    // Hue from the hash, fixed saturation 0.65 and value 0.95: distinct, readable colours.
    const double hue = static_cast<double>((hash ^ (hash >> 29)) % 360u) / 60.0;
    const double v = 0.95;
    const double c = v * 0.65;
    const int sector = static_cast<int>(hue);
    const double f = hue - sector;
    const double x = c * (sector % 2 == 0 ? f : 1.0 - f);
    double r = 0, g = 0, b = 0;
    switch (sector) {
        case 0:
            r = c, g = x;
            break;
        case 1:
            r = x, g = c;
            break;
        case 2:
            g = c, b = x;
            break;
        case 3:
            g = x, b = c;
            break;
        case 4:
            r = x, b = c;
            break;
        default:
            r = c, b = x;
            break;
    }
    const double m = v - c;
    auto byte = [m](double channel) {
        return static_cast<std::uint32_t>((channel + m) * 255.0 + 0.5) & 0xffu;
    };
    return 0xff000000u | (byte(r) << 16) | (byte(g) << 8) | byte(b);
}

const label_entry* shared_label(nvtxDomainHandle_t domain, hash_value hash,
                                bool allow_unknown) noexcept {
    try {
        auto& t = table();
        std::lock_guard<std::mutex> lock{t.mutex};
        if (auto it = t.known.find(hash); it != t.known.end()) return &it->second->entry;
        std::string text = label_text(hash);
        const bool unknown = text == "unknown-hash=" + std::to_string(hash);
        if (!unknown) {
            auto& slot = t.known[hash];
            slot = make_entry(domain, hash, std::move(text));
            return &slot->entry;
        }
        if (!allow_unknown) return nullptr;
        auto& slot = t.unknown[hash];
        if (!slot) slot = make_entry(domain, hash, std::move(text));
        return &slot->entry;
    } catch (...) {
        return nullptr;  // out of memory: the range is not mirrored
    }
}

void label_cache::insert(hash_value hash, const label_entry* entry) {
    if ((m_used + 1) * 2 > m_slots.size()) {
        // Keep the load at most one half so that probes stay short; rehash into twice the room.
        std::vector<slot> old = std::move(m_slots);
        m_slots.assign(old.empty() ? 64 : old.size() * 2, slot{});
        m_mask = m_slots.size() - 1;
        m_used = 0;
        for (const slot& s : old) {
            if (s.entry != nullptr) insert(s.hash, s.entry);
        }
    }
    std::size_t i = slot_of(hash);
    while (m_slots[i].entry != nullptr && m_slots[i].hash != hash) i = (i + 1) & m_mask;
    if (m_slots[i].entry == nullptr) ++m_used;
    m_slots[i] = slot{hash, entry};
}

}  // namespace tim::gpu::nvtx
