// Every hardware counter this build can describe, in one list: PAPI presets and native events on
// the CPU (counted by papi_array) and CUPTI metrics of an NVIDIA GPU chip (collected by
// cupti_counters). Python's timemory.hardware_counters is this API.
//
//   namespace hw = tim::hardware_counters;
//   for (const auto& c : hw::available(hw::api::unknown, true)) std::cout << c.event.name;
//   hw::info("dram__bytes.sum", hw::api::cupti, "GH100").event.description;   // no GPU needed
#pragma once

#include "timemory/components/papi.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tim::hardware_counters {

/// Counter back-ends (the values of Python's hardware_counters.api).
enum class api : int { papi = 0, cupti = 1, unknown = 2 };

/// One counter. A CUPTI metric uses the PAPI fields for the same things (name, description,
/// units = its dimension "byte"/"nanosecond"/..., component = "cupti", kind, available, reason)
/// and adds the chip, its type and its submetrics.
struct counter {
    api source = api::papi;
    papi::event_info event;
    std::string chip;                     ///< CUPTI: the chip it was described for
    std::string metric_type;              ///< CUPTI: "counter", "ratio", "throughput"
    std::vector<std::string> submetrics;  ///< CUPTI: suffixes that make a collectable name
};

/// Every counter of `which` (api::unknown: both): PAPI's events, each checked for whether it
/// counts here, and the CUPTI base metrics of `chip` ("" = this machine's GPU; none without
/// one), available when this machine's GPU is that chip. `only_available` keeps those that
/// count here. Throws std::invalid_argument for a chip CUPTI does not know; where CUPTI's
/// catalogue does not work (no CUDA, no libcupti) the CUPTI part is empty
/// (cupti_unavailable_reason() says why).
std::vector<counter> available(api which = api::unknown, bool only_available = false,
                               std::string_view chip = {});

/// One counter. api::unknown decides by the name: CUPTI's have a double underscore
/// (dram__bytes.sum), PAPI's do not. An unknown name gives event.available == false with the
/// reason. CUPTI with no chip named and no GPU throws std::runtime_error saying so; an unknown
/// chip std::invalid_argument.
counter info(std::string_view name, api which = api::papi, std::string_view chip = {});

/// This machine's GPU chip (settings.cupti_device), or "" with the reason in `why`.
std::string device_chip(std::string& why);

/// `chip`, or this machine's when empty; throws std::runtime_error saying why there is none and
/// how to name one.
std::string chip_or_device(std::string_view chip);

/// Why metrics of `chip` cannot be collected on this machine ("" when its GPU is that chip).
std::string chip_unavailable_reason(const std::string& chip);

/// Why CUPTI metrics cannot be collected here ("" when they can): the build, libcupti, or no GPU.
std::string cupti_unavailable_reason();

}  // namespace tim::hardware_counters
