! The C API called from Fortran through ISO_C_BINDING: regions by name and finalize.
! argv(1) is the output directory; the program checks that wall.json was written.
program fortran_api_test
    use iso_c_binding
    implicit none
    interface
        subroutine timemory_init_library(argc, argv) bind(C, name="timemory_init_library")
            import :: c_int, c_ptr
            integer(c_int), value :: argc
            type(c_ptr), value :: argv
        end subroutine
        subroutine timemory_finalize_library() bind(C, name="timemory_finalize_library")
        end subroutine
        integer(c_int) function timemory_set_default(components) bind(C, name="timemory_set_default")
            import :: c_int, c_char
            character(kind=c_char), dimension(*) :: components
        end function
        subroutine timemory_push_region(name) bind(C, name="timemory_push_region")
            import :: c_char
            character(kind=c_char), dimension(*) :: name
        end subroutine
        subroutine timemory_pop_region(name) bind(C, name="timemory_pop_region")
            import :: c_char
            character(kind=c_char), dimension(*) :: name
        end subroutine
    end interface

    character(len=1024) :: outdir
    integer :: i, status
    logical :: found
    real(8) :: total

    call get_command_argument(1, outdir)
    call set_env("TIMEMORY_OUTPUT_PATH", trim(outdir))
    call set_env("TIMEMORY_COUT_OUTPUT", "OFF")
    call timemory_init_library(0_c_int, c_null_ptr)
    if (timemory_set_default("wall_clock" // c_null_char) /= 0) stop 2

    total = 0.0d0
    do i = 1, 4
        call timemory_push_region("fortran_loop" // c_null_char)
        total = total + sqrt(real(i, 8))
        call timemory_pop_region("fortran_loop" // c_null_char)
    end do
    call timemory_finalize_library()

    inquire(file=trim(outdir) // "/wall.json", exist=found)
    if (.not. found) then
        print *, "wall.json missing in ", trim(outdir)
        stop 1
    end if
    print *, "fortran api test: ok", total
contains
    subroutine set_env(name, value)
        character(len=*), intent(in) :: name, value
        interface
            integer(c_int) function setenv(n, v, o) bind(C, name="setenv")
                import :: c_int, c_char
                character(kind=c_char), dimension(*) :: n, v
                integer(c_int), value :: o
            end function
        end interface
        status = setenv(name // c_null_char, value // c_null_char, 1_c_int)
    end subroutine
end program
