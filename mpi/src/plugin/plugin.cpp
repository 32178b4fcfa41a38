// libtimemory-mpi: the only timemory code that includes mpi.h and links libmpi. The core loads it
// (core/src/mpi.cpp) when the process already has this MPI library, or when timemory is asked to
// start MPI, and calls MPI through the table published here. Standard MPI only, so that it builds
// against OpenMPI and MPICH alike.
#include "timemory/core/mpi_service.hpp"
#include "timemory/core/plugins.hpp"

#include <mpi.h>

#include <climits>
#include <cstring>
#include <mutex>
#include <vector>

#ifndef TIMEMORY_MPI_LIBRARY
#error "TIMEMORY_MPI_LIBRARY (the soname of the MPI library linked) must be defined"
#endif
#ifndef TIMEMORY_MPI_VENDOR
#error "TIMEMORY_MPI_VENDOR (how MPI_Get_library_version's text starts) must be defined"
#endif

namespace {

// One tag of its own on MPI_COMM_WORLD, so that the application's messages never match ours.
constexpr int channel_tag = 32101;

int initialized() {
    int flag = 0;
    MPI_Initialized(&flag);
    return flag;
}

int finalized() {
    int flag = 0;
    MPI_Finalized(&flag);
    return flag;
}

bool usable() {
    return initialized() != 0 && finalized() == 0;
}

int rank() {
    int value = 0;
    if (usable()) MPI_Comm_rank(MPI_COMM_WORLD, &value);
    return value;
}

int size() {
    int value = 1;
    if (usable()) MPI_Comm_size(MPI_COMM_WORLD, &value);
    return value;
}

int barrier() {
    return usable() ? MPI_Barrier(MPI_COMM_WORLD) : 0;
}

int init(int thread_level, int* provided) {
    if (initialized() != 0) return 0;
    if (thread_level < 0) {
        if (provided != nullptr) *provided = MPI_THREAD_SINGLE;
        return MPI_Init(nullptr, nullptr);
    }
    const int levels[] = {MPI_THREAD_SINGLE, MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED,
                          MPI_THREAD_MULTIPLE};
    const int requested = levels[thread_level > 3 ? 3 : thread_level];
    int got = MPI_THREAD_SINGLE;
    const int rc = MPI_Init_thread(nullptr, nullptr, requested, &got);
    if (provided != nullptr) {
        *provided = 0;
        for (int i = 0; i < 4; ++i) {
            if (levels[i] == got) *provided = i;
        }
    }
    return rc;
}

int finalize() {
    return usable() ? MPI_Finalize() : 0;
}

int library_version(char* buffer, int capacity) {
    char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int length = 0;
    if (MPI_Get_library_version(text, &length) != MPI_SUCCESS || capacity <= 0) return 0;
    if (length >= capacity) length = capacity - 1;
    std::memcpy(buffer, text, static_cast<std::size_t>(length));
    buffer[length] = '\0';
    return length;
}

int processor_name(char* buffer, int capacity) {
    char text[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    if (!usable() || MPI_Get_processor_name(text, &length) != MPI_SUCCESS || capacity <= 0) {
        return 0;
    }
    if (length >= capacity) length = capacity - 1;
    std::memcpy(buffer, text, static_cast<std::size_t>(length));
    buffer[length] = '\0';
    return length;
}

void (*finalize_hook)() = nullptr;

int run_finalize_hook(MPI_Comm, int, void*, void*) {
    if (finalize_hook != nullptr) finalize_hook();
    return MPI_SUCCESS;
}

int add_finalize_hook(void (*hook)()) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock{mutex};
    if (!usable()) return 1;
    if (finalize_hook != nullptr) return 0;
    int keyval = MPI_KEYVAL_INVALID;
    if (MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, &run_finalize_hook, &keyval, nullptr) !=
        MPI_SUCCESS) {
        return 1;
    }
    finalize_hook = hook;
    if (MPI_Comm_set_attr(MPI_COMM_SELF, keyval, nullptr) != MPI_SUCCESS) {
        finalize_hook = nullptr;
        return 1;
    }
    return 0;
}

// A send in flight owns its copy of the bytes until MPI is done with them.
struct pending_send {
    MPI_Request request = MPI_REQUEST_NULL;
    std::vector<char> bytes;
};

void* send_start(int dest, const void* data, std::size_t bytes) {
    if (!usable() || bytes > static_cast<std::size_t>(INT_MAX)) return nullptr;
    auto* send = new pending_send{};
    send->bytes.assign(static_cast<const char*>(data), static_cast<const char*>(data) + bytes);
    if (MPI_Isend(send->bytes.data(), static_cast<int>(bytes), MPI_BYTE, dest, channel_tag,
                  MPI_COMM_WORLD, &send->request) != MPI_SUCCESS) {
        delete send;
        return nullptr;
    }
    return send;
}

int send_test(void* request) {
    auto* send = static_cast<pending_send*>(request);
    int done = 0;
    const int rc = MPI_Test(&send->request, &done, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS || done != 0) {
        delete send;
        return rc == MPI_SUCCESS ? 1 : -1;
    }
    return 0;
}

void send_abandon(void* request) {
    auto* send = static_cast<pending_send*>(request);
    MPI_Cancel(&send->request);
    MPI_Request_free(&send->request);
    // Not deleted: MPI may still read the buffer of a send it could not cancel. Kept where a
    // leak checker sees it held, for the life of the process (the plugin is never unloaded).
    static std::mutex mutex;
    static auto* abandoned = new std::vector<pending_send*>{};  // outlives static destructors
    std::lock_guard<std::mutex> lock{mutex};
    abandoned->push_back(send);
}

long long probe(int source) {
    if (!usable()) return -1;
    int flag = 0;
    MPI_Status status;
    if (MPI_Iprobe(source, channel_tag, MPI_COMM_WORLD, &flag, &status) != MPI_SUCCESS || !flag) {
        return -1;
    }
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    return count;
}

int receive(int source, void* data, std::size_t bytes) {
    if (!usable() || bytes > static_cast<std::size_t>(INT_MAX)) return 1;
    return MPI_Recv(data, static_cast<int>(bytes), MPI_BYTE, source, channel_tag, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE);
}

constexpr tim::mpi_service service{
    tim::mpi_service_version,
    TIMEMORY_MPI_LIBRARY,
    TIMEMORY_MPI_VENDOR,
    &initialized,
    &finalized,
    &rank,
    &size,
    &barrier,
    &init,
    &finalize,
    &library_version,
    &processor_name,
    &add_finalize_hook,
    &send_start,
    &send_test,
    &send_abandon,
    &probe,
    &receive,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) int timemory_mpi_plugin_register() {
    tim::plugins::publish("mpi", &service);
    return 0;
}
