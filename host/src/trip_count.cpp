// Registry entry of trip_count (timemory/components/trip_count.hpp).
#include "timemory/components/trip_count.hpp"

#include "registrar.hpp"

namespace tim::component {
namespace {

struct registrar {
    registrar() {
        detail::register_component<trip_count>(
            detail::describe_component("trip_count", {}, "trip_count", "TripCount",
                                       unit_kind::count, true, "Number of times a region ran"));
    }
};

const registrar registered;

}  // namespace
}  // namespace tim::component
