! Known MPI traffic between two ranks from Fortran (`use mpi`), for libtimemory-mpip's Fortran
! wrappers: a plain MPI program the library is preloaded into (check_mpip_output.cpp, "fortran").
program mpip_fortran
    use mpi
    implicit none
    integer, parameter :: n_send = 1000, n_reduce = 64, n_bcast = 10
    double precision :: data(n_send), reduce_in(n_reduce), reduce_out(n_reduce)
    integer :: ints(n_bcast)
    integer :: rank, size, ierr

    call MPI_Init(ierr)
    call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
    call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)
    if (size /= 2) call MPI_Abort(MPI_COMM_WORLD, 2, ierr)
    data = 0
    reduce_in = 1
    ints = 0
    if (rank == 0) then
        call MPI_Send(data, n_send, MPI_DOUBLE_PRECISION, 1, 7, MPI_COMM_WORLD, ierr)
    else
        call MPI_Recv(data, n_send, MPI_DOUBLE_PRECISION, 0, 7, MPI_COMM_WORLD, &
                      MPI_STATUS_IGNORE, ierr)
    end if
    call MPI_Allreduce(reduce_in, reduce_out, n_reduce, MPI_DOUBLE_PRECISION, MPI_SUM, &
                       MPI_COMM_WORLD, ierr)
    call MPI_Bcast(ints, n_bcast, MPI_INTEGER, 0, MPI_COMM_WORLD, ierr)
    call MPI_Barrier(MPI_COMM_WORLD, ierr)
    call MPI_Finalize(ierr)
end program mpip_fortran
