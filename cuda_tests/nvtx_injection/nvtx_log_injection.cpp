// A minimal NVTX tool for tests, so that NVTX mirroring is checked without Nsight. NVTX loads it
// when NVTX_INJECTION64_PATH names this library (once per module that makes NVTX calls) and calls
// InitializeInjectionNvtx2, which puts the functions below into that module's NVTX tables.
//
// With TIMEMORY_NVTX_TEST_LOG=<path> ("%p" becomes the process id) every event is appended to
// that file at once (flushed, so the process under test can read it back), one line each:
//
//   <tid> domain <name>                    nvtxDomainCreateA
//   <tid> register <domain> <text>         nvtxDomainRegisterStringA
//   <tid> push <domain> <argb|-> <text>    nvtxDomainRangePushEx, nvtxRangePushA/Ex
//   <tid> pop <domain>                     nvtxDomainRangePop, nvtxRangePop
//   <tid> mark <domain> <text>             nvtxDomainMarkEx, nvtxMarkA/Ex
//
// <domain> is "-" for NVTX's default domain, <argb> eight hex digits. Without the variable the
// tool only counts depths (the cost of an attached tool in benchmarks, without file writes).
#include <nvtx3/nvToolsExt.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace {

struct log_file {
    std::mutex mutex;
    std::FILE* file = nullptr;
};

log_file& the_log() {
    static auto* instance = new log_file{};  // never destroyed: events may arrive during exit
    return *instance;
}

void open_log() {
    const char* env = std::getenv("TIMEMORY_NVTX_TEST_LOG");
    if (env == nullptr || *env == '\0') return;
    std::string path = env;
    if (auto at = path.find("%p"); at != std::string::npos)
        path.replace(at, 2, std::to_string(::getpid()));
    the_log().file = std::fopen(path.c_str(), "w");
    if (the_log().file == nullptr)
        std::fprintf(stderr, "nvtx test tool: cannot write %s\n", path.c_str());
}

bool logging() {
    return the_log().file != nullptr;
}

__attribute__((format(printf, 1, 2))) void write_line(const char* format, ...) {
    auto& log = the_log();
    std::lock_guard<std::mutex> lock{log.mutex};
    std::fprintf(log.file, "%ld ", static_cast<long>(::syscall(SYS_gettid)));
    va_list args;
    va_start(args, format);
    std::vfprintf(log.file, format, args);
    va_end(args);
    std::fputc('\n', log.file);
    std::fflush(log.file);
}

// Handles are the tool's own objects: the domain's name and each registered string.
const char* domain_name(nvtxDomainHandle_t domain) {
    return domain == nullptr ? "-" : reinterpret_cast<const std::string*>(domain)->c_str();
}

std::string message_of(const nvtxEventAttributes_t* a) {
    if (a == nullptr) return "";
    switch (a->messageType) {
        case NVTX_MESSAGE_TYPE_ASCII:
            return a->message.ascii ? a->message.ascii : "";
        case NVTX_MESSAGE_TYPE_REGISTERED:
            return a->message.registered
                       ? *reinterpret_cast<const std::string*>(a->message.registered)
                       : "";
        case NVTX_MESSAGE_TYPE_UNICODE:
            return "(unicode)";
        default:
            return "";
    }
}

std::string color_of(const nvtxEventAttributes_t* a) {
    if (a == nullptr || a->colorType != NVTX_COLOR_ARGB) return "-";
    char text[16];
    std::snprintf(text, sizeof(text), "%08x", a->color);
    return text;
}

// Per-thread depth of each domain's range stack (NVTX's push/pop return values).
struct depth_slot {
    nvtxDomainHandle_t domain;
    int depth;
};
thread_local depth_slot depths[8] = {};

int& depth_of(nvtxDomainHandle_t domain) {
    for (auto& slot : depths) {
        if (slot.domain == domain) return slot.depth;
    }
    for (auto& slot : depths) {
        if (slot.domain == nullptr && slot.depth == 0) {
            slot.domain = domain;
            return slot.depth;
        }
    }
    return depths[7].depth;
}

int push(nvtxDomainHandle_t domain, const nvtxEventAttributes_t* a, const char* ascii) {
    if (logging()) {
        const std::string text = ascii ? std::string{ascii} : message_of(a);
        write_line("push %s %s %s", domain_name(domain), color_of(a).c_str(), text.c_str());
    }
    return depth_of(domain)++;
}

int pop(nvtxDomainHandle_t domain) {
    if (logging()) write_line("pop %s", domain_name(domain));
    int& depth = depth_of(domain);
    return depth > 0 ? --depth : -1;
}

void mark(nvtxDomainHandle_t domain, const nvtxEventAttributes_t* a, const char* ascii) {
    if (logging()) {
        const std::string text = ascii ? std::string{ascii} : message_of(a);
        write_line("mark %s %s", domain_name(domain), text.c_str());
    }
}

// ---- the NVTX entry points ---------------------------------------------------------------------

int NVTX_API range_push_a(const char* message) {
    return push(nullptr, nullptr, message);
}
int NVTX_API range_push_ex(const nvtxEventAttributes_t* a) {
    return push(nullptr, a, nullptr);
}
int NVTX_API range_pop() {
    return pop(nullptr);
}
void NVTX_API mark_a(const char* message) {
    mark(nullptr, nullptr, message);
}
void NVTX_API mark_ex(const nvtxEventAttributes_t* a) {
    mark(nullptr, a, nullptr);
}

nvtxDomainHandle_t NVTX_API domain_create_a(const char* name) {
    auto* domain = new std::string{name ? name : ""};
    if (logging()) write_line("domain %s", domain->c_str());
    return reinterpret_cast<nvtxDomainHandle_t>(domain);
}

void NVTX_API domain_destroy(nvtxDomainHandle_t domain) {
    if (logging()) write_line("destroy %s", domain_name(domain));
}

nvtxStringHandle_t NVTX_API domain_register_string_a(nvtxDomainHandle_t domain, const char* text) {
    auto* string = new std::string{text ? text : ""};
    if (logging()) write_line("register %s %s", domain_name(domain), string->c_str());
    return reinterpret_cast<nvtxStringHandle_t>(string);
}

int NVTX_API domain_range_push_ex(nvtxDomainHandle_t domain, const nvtxEventAttributes_t* a) {
    return push(domain, a, nullptr);
}
int NVTX_API domain_range_pop(nvtxDomainHandle_t domain) {
    return pop(domain);
}
void NVTX_API domain_mark_ex(nvtxDomainHandle_t domain, const nvtxEventAttributes_t* a) {
    mark(domain, a, nullptr);
}

template <typename F>
void put(NvtxFunctionTable table, unsigned int size, unsigned int id, F* function) {
    // `size` is the highest valid id; each entry points at the module's function pointer.
    if (table != nullptr && id <= size && table[id] != nullptr)
        *table[id] = reinterpret_cast<NvtxFunctionPointer>(function);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int InitializeInjectionNvtx2(
    NvtxGetExportTableFunc_t get_export_table) {
    static std::once_flag once;  // called once per module that uses NVTX: one log per process
    std::call_once(once, open_log);
    const auto* callbacks =
        static_cast<const NvtxExportTableCallbacks*>(get_export_table(NVTX_ETID_CALLBACKS));
    if (callbacks == nullptr) return 0;

    NvtxFunctionTable core = nullptr;
    unsigned int core_size = 0;
    if (callbacks->GetModuleFunctionTable(NVTX_CB_MODULE_CORE, &core, &core_size) == 0) return 0;
    put(core, core_size, NVTX_CBID_CORE_RangePushA, &range_push_a);
    put(core, core_size, NVTX_CBID_CORE_RangePushEx, &range_push_ex);
    put(core, core_size, NVTX_CBID_CORE_RangePop, &range_pop);
    put(core, core_size, NVTX_CBID_CORE_MarkA, &mark_a);
    put(core, core_size, NVTX_CBID_CORE_MarkEx, &mark_ex);

    NvtxFunctionTable core2 = nullptr;
    unsigned int core2_size = 0;
    if (callbacks->GetModuleFunctionTable(NVTX_CB_MODULE_CORE2, &core2, &core2_size) == 0) return 0;
    put(core2, core2_size, NVTX_CBID_CORE2_DomainCreateA, &domain_create_a);
    put(core2, core2_size, NVTX_CBID_CORE2_DomainDestroy, &domain_destroy);
    put(core2, core2_size, NVTX_CBID_CORE2_DomainRegisterStringA, &domain_register_string_a);
    put(core2, core2_size, NVTX_CBID_CORE2_DomainRangePushEx, &domain_range_push_ex);
    put(core2, core2_size, NVTX_CBID_CORE2_DomainRangePop, &domain_range_pop);
    put(core2, core2_size, NVTX_CBID_CORE2_DomainMarkEx, &domain_mark_ex);
    return 1;
}
