/*
 * answer.h: what the token endpoint answered: the token and what came with it.
 */
#ifndef JWTCRED_ANSWER_H
#define JWTCRED_ANSWER_H

#include <stdbool.h>

struct jc_profile;

/* The longest a token may live: a larger expires_in is refused. */
#define JC_MAX_LIFETIME (366LL * 86400)

struct jc_answer {
	char *access_token;   /* secret: jc_answer_clear wipes it */
	char *instance_url;
	char *id;
	char *scope;
	long long expires_in; /* -1 when the server sent none */
	char *audience;       /* the aud the endpoint accepted */
	char *subject;        /* whom the token acts for (sub, else iss) */
	char *installation_id;/* github-app: the installation the token is for, or NULL */
	/*
	 * When set (issued > 0): the token's absolute times, which the cache
	 * entry takes as they are: a token another machine minted (the shared
	 * cache, helper/engine/fleet.c) keeps the times it was minted with,
	 * and a fresh mint's are fixed once, by jc_answer_times(), so that the
	 * shared and the local entry agree.
	 */
	long long issued;
	long long expires;
	bool server_expiry;   /* expires came from the server's expires_in */
};

/* What a mint is for, beyond its profile (engine.h; every field may be NULL). */
struct jc_mint_in {
	const char *audience_first;  /* the aud that worked last time: tried first */
	const char *owner;           /* github-app: the request's owner (jc_github_entry_owner) */
	const char *repo;            /* github-app: and repository, when it named one */
	const char *installation_id; /* github-app: the installation found last time for this entry */
	/* the shared cache (helper/engine/fleet.c): */
	bool shared;                 /* the mint may use p->shared: a cached fetch under the local lock */
	const char *replaces;        /* a token the answer must not be (JWTCRED_REFRESH, a refresh ahead) */
	bool background;             /* a refresh ahead: a shared entry that is itself due will not do */
};

/*
 * Every answer starts here: all fields NULL and expires_in -1 (none sent),
 * so that a field nobody filled can never pass for one the server sent.
 */
void jc_answer_init(struct jc_answer *a);

/*
 * Fix g's absolute times at now when it has none (issued 0): expires_in
 * when the server sent one, else p's token_lifetime.
 */
void jc_answer_times(const struct jc_profile *p, struct jc_answer *g, long long now);

/* Wipe and free the fields, then jc_answer_init(): the answer can be reused. */
void jc_answer_clear(struct jc_answer *a);

#endif
