/*
 * peakrss.c: run a command once and print its peak resident set size in KiB.
 *
 *   peakrss COMMAND [ARGS...]
 *
 * The child inherits stdin; its stdout goes to /dev/null.  The parent prints
 * the child's ru_maxrss (wait4) on stdout and exits with the child's status.
 *
 * Why a C program: ru_maxrss also counts the memory of the process image that
 * exec replaced.  A child spawned with vfork from Python or a shell would carry
 * that parent's size; a fork from this small program adds only its own few
 * anonymous pages.  Compiled by tests/bench/run with cc.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status, fd;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: peakrss COMMAND [ARGS...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 2;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		close(fd);
		execvp(argv[1], argv + 1);
		perror("peakrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("peakrss: wait4");
		return 2;
	}
	printf("%ld\n", ru.ru_maxrss);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
