// Nonblocking receives between their post and the call that completes them (bytes.hpp).
#include "bytes.hpp"

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace tim::mpip::pending_receives {
namespace {

struct table {
    std::mutex mutex;
    std::unordered_map<MPI_Request, MPI_Datatype> types;
};
table& receives() {
    static auto* instance = new table{};  // wrapped calls may run during static destruction
    return *instance;
}
std::atomic<std::size_t> g_size{0};

}  // namespace

void add(MPI_Request request, MPI_Datatype type) {
    if (request == MPI_REQUEST_NULL) return;
    auto& t = receives();
    std::lock_guard<std::mutex> lock{t.mutex};
    t.types[request] = type;
    g_size.store(t.types.size(), std::memory_order_release);
}

bool any() noexcept {
    return g_size.load(std::memory_order_acquire) != 0;
}

void forget(MPI_Request request) {
    if (!any() || request == MPI_REQUEST_NULL) return;
    auto& t = receives();
    std::lock_guard<std::mutex> lock{t.mutex};
    t.types.erase(request);
    g_size.store(t.types.size(), std::memory_order_release);
}

double complete(MPI_Request request, const MPI_Status& status) {
    if (!any() || request == MPI_REQUEST_NULL) return 0.0;
    MPI_Datatype type = MPI_DATATYPE_NULL;
    {
        auto& t = receives();
        std::lock_guard<std::mutex> lock{t.mutex};
        const auto it = t.types.find(request);
        if (it == t.types.end()) return 0.0;
        type = it->second;
        t.types.erase(it);
        g_size.store(t.types.size(), std::memory_order_release);
    }
    return received_bytes(status, type);
}

}  // namespace tim::mpip::pending_receives
