//! The system calls the harness makes itself, to start processes the way
//! the measurement needs (a vfork for timing, a traced fork for page faults
//! and memory): each in one small `unsafe` block, each return code checked.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd as _;
use std::os::unix::ffi::OsStrExt as _;
use std::path::PathBuf;

/// A command as C strings, with the null-terminated pointer array that
/// `execv` and `posix_spawn` take (pointing into the strings, which live as
/// long as it).
pub struct Argv {
    _strings: Vec<CString>,
    pointers: Vec<*mut libc::c_char>,
}

impl Argv {
    /// `command` (program and arguments) as C strings.
    pub fn new(command: &[PathBuf]) -> io::Result<Self> {
        let strings: Vec<CString> = command
            .iter()
            .map(|a| CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other))
            .collect::<io::Result<_>>()?;
        let mut pointers: Vec<*mut libc::c_char> =
            strings.iter().map(|a| a.as_ptr().cast_mut()).collect();
        pointers.push(std::ptr::null_mut());
        Ok(Argv {
            _strings: strings,
            pointers,
        })
    }
}

/// `/dev/null`, for the standard input and output of measured programs.
pub fn dev_null() -> io::Result<File> {
    File::options().read(true).write(true).open("/dev/null")
}

/// Spawning file actions: created, used, and destroyed when dropped.
struct FileActions(libc::posix_spawn_file_actions_t);

impl FileActions {
    fn new() -> io::Result<Self> {
        // SAFETY: an all-zero `posix_spawn_file_actions_t` is only storage;
        // `posix_spawn_file_actions_init` initialises it before any use.
        let mut actions = FileActions(unsafe { std::mem::zeroed() });
        // SAFETY: `actions.0` is valid storage for the object initialised.
        check_rc(unsafe { libc::posix_spawn_file_actions_init(&raw mut actions.0) })?;
        Ok(actions)
    }

    fn dup2(&mut self, fd: libc::c_int, to: libc::c_int) -> io::Result<()> {
        // SAFETY: `self.0` was initialised by `new`.
        check_rc(unsafe { libc::posix_spawn_file_actions_adddup2(&raw mut self.0, fd, to) })
    }
}

impl Drop for FileActions {
    fn drop(&mut self) {
        // SAFETY: initialised by `new`, destroyed once, here.
        unsafe { libc::posix_spawn_file_actions_destroy(&raw mut self.0) };
    }
}

/// Starts `argv` with standard input and output on `null`, with
/// `posix_spawn` (a vfork, as hyperfine's spawning does: a plain fork would
/// copy the harness's page tables at every run), and returns its pid.
pub fn spawn(argv: &Argv, null: &File) -> io::Result<libc::pid_t> {
    extern "C" {
        static environ: *const *mut libc::c_char;
    }
    let mut actions = FileActions::new()?;
    actions.dup2(null.as_raw_fd(), 0)?;
    actions.dup2(null.as_raw_fd(), 1)?;
    let mut pid = 0;
    // SAFETY: the program and arguments are NUL-terminated strings that
    // `argv` owns, in a null-terminated array; `actions` is initialised;
    // `environ` is the process's environment, which nothing changes
    // meanwhile (the harness is single-threaded and sets no variable here).
    let rc = unsafe {
        libc::posix_spawn(
            &raw mut pid,
            argv.pointers[0],
            &raw const actions.0,
            std::ptr::null(),
            argv.pointers.as_ptr(),
            environ,
        )
    };
    check_rc(rc)?;
    Ok(pid)
}

/// Forks a child that stops itself (for its parent to trace it), then runs
/// `argv` with standard input and output on `/dev/null`; returns its pid.
/// The child exits with 127 if any step before `execv` fails.
pub fn fork_traced(argv: &Argv, null: &File) -> io::Result<libc::pid_t> {
    let fd = null.as_raw_fd();
    // SAFETY: the child makes only async-signal-safe calls, on memory
    // prepared before the fork (`argv`, `fd`), and leaves by `execv` or
    // `_exit`; the parent gets the pid.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: as above: the child, after `fork`.
        unsafe {
            if libc::dup2(fd, 0) < 0
                || libc::dup2(fd, 1) < 0
                || libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) < 0
                || libc::raise(libc::SIGSTOP) != 0
            {
                libc::_exit(127);
            }
            libc::execv(argv.pointers[0], argv.pointers.as_ptr().cast());
            libc::_exit(127);
        }
    }
    Ok(pid)
}

/// Waits for a change of state of the child `pid`; its wait status.
pub fn wait(pid: libc::pid_t) -> io::Result<libc::c_int> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid place for the status; `pid` is a
        // child of this process.
        if unsafe { libc::waitpid(pid, &raw mut status, 0) } == pid {
            return Ok(status);
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// Sets ptrace options on the stopped tracee `pid`.
pub fn ptrace_set_options(pid: libc::pid_t, options: libc::c_int) -> io::Result<()> {
    // SAFETY: PTRACE_SETOPTIONS reads no memory of ours; `pid` is our
    // stopped tracee.
    let rc = unsafe { libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, options) };
    check_errno(rc)
}

/// Resumes the stopped tracee `pid`, delivering `signal` (0 for none).
pub fn ptrace_continue(pid: libc::pid_t, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: PTRACE_CONT reads no memory of ours; `pid` is our stopped
    // tracee.
    let rc = unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, signal) };
    check_errno(rc)
}

/// An error for a nonzero return code that is itself the error number.
fn check_rc(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// An error for a negative return, from `errno`.
fn check_errno(rc: libc::c_long) -> io::Result<()> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}
