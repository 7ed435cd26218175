/* meetcert init: a workspace from arguments, for scripts. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "files.h"
#include "workspace.h"

enum { OPT_TYPE = 256, OPT_HOST, OPT_OPTION, OPT_LAYOUT, OPT_KEY,
	OPT_CLUSTER, OPT_JOIN, OPT_LOGIN, OPT_C2W, OPT_C2W_PORT, OPT_HTTPS_PORT, OPT_EXPRESSWAY,
	OPT_DOMAIN };

/* "label=cms1a,fqdn=cms1a.example.com,address=10.0.0.1,port=22,user=admin,
 * roles=callbridge+webadmin,database=primary" into a host object. */
static json_t *
parse_host(const char *spec, int n)
{
	json_t *h = json_object(), *ssh = json_object(), *roles;
	char *copy = strdup(spec), *item, *save = NULL, *eq, *r, *rsave;

	if (h == NULL || ssh == NULL || copy == NULL)
		goto fail;
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(item, '=')) == NULL || eq == item) {
			cli_error(_("--host #%d: '%s' is not KEY=VALUE (label, "
			    "fqdn, address, port, user, roles, database, web)"),
			    n, item);
			goto fail;
		}
		*eq++ = '\0';
		if (strcmp(item, "label") == 0 || strcmp(item, "fqdn") == 0 ||
		    strcmp(item, "database") == 0 || strcmp(item, "web") == 0) {
			if (strcmp(item, "web") == 0)
				item = "web_address";
			json_object_set_new(h, item, json_string(eq));
		} else if (strcmp(item, "address") == 0 ||
		    strcmp(item, "user") == 0) {
			json_object_set_new(ssh, item, json_string(eq));
		} else if (strcmp(item, "port") == 0) {
			char *end;
			long port = strtol(eq, &end, 10);

			if (*eq == '\0' || *end != '\0' || port < 1 ||
			    port > 65535) {
				cli_error(_("--host #%d: port '%s' is not a port "
				    "number"), n, eq);
				goto fail;
			}
			json_object_set_new(ssh, "port", json_integer(port));
		} else if (strcmp(item, "roles") == 0) {
			roles = json_array();
			for (r = strtok_r(eq, "+", &rsave); r != NULL;
			    r = strtok_r(NULL, "+", &rsave))
				json_array_append_new(roles, json_string(r));
			json_object_set_new(h, "roles", roles);
		} else {
			cli_error(_("--host #%d: '%s' is not a host field (label, "
			    "fqdn, address, port, user, roles, database, web)"),
			    n, item);
			goto fail;
		}
	}
	if (json_object_size(ssh) > 0)
		json_object_set(h, "ssh", ssh);
	json_decref(ssh);
	free(copy);
	return h;
fail:
	json_decref(h);
	json_decref(ssh);
	free(copy);
	return NULL;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "option", required_argument, NULL, OPT_OPTION },
		{ "layout", required_argument, NULL, OPT_LAYOUT },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "cluster-fqdn", required_argument, NULL, OPT_CLUSTER },
		{ "join-url", required_argument, NULL, OPT_JOIN },
		{ "login-domain", required_argument, NULL, OPT_LOGIN },
		{ "c2w-address", required_argument, NULL, OPT_C2W },
		{ "c2w-port", required_argument, NULL, OPT_C2W_PORT },
		{ "https-port", required_argument, NULL, OPT_HTTPS_PORT },
		{ "expressway", required_argument, NULL, OPT_EXPRESSWAY },
		{ "domain", required_argument, NULL, OPT_DOMAIN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mcert_error err = { 0 };
	struct mcert_workspace *ws = NULL;
	json_t *root = json_pack("{s:s, s:i, s:i}", "format", MCERT_WS_FORMAT,
	    "version", MCERT_WS_VERSION, "generation", 1);
	json_t *hosts = json_array(), *options = json_array();
	json_t *names = json_object(), *h;
	int c, nhost = 0, ret = CLI_USAGE;
	char *end;
	long port;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TYPE:
			json_object_set_new(root, "type", json_string(optarg));
			break;
		case OPT_HOST:
			if ((h = parse_host(optarg, ++nhost)) == NULL)
				goto out;
			json_array_append_new(hosts, h);
			break;
		case OPT_OPTION:
			json_array_append_new(options, json_string(optarg));
			break;
		case OPT_LAYOUT:
			json_object_set_new(root, "layout", json_string(optarg));
			break;
		case OPT_KEY:
			json_object_set_new(root, "key", json_string(optarg));
			break;
		case OPT_CLUSTER:
			json_object_set_new(names, "cluster_fqdn",
			    json_string(optarg));
			break;
		case OPT_JOIN:
			json_object_set_new(names, "join_url",
			    json_string(optarg));
			break;
		case OPT_LOGIN:
			json_object_set_new(names, "login_domain",
			    json_string(optarg));
			break;
		case OPT_C2W:
			json_object_set_new(names, "c2w_address",
			    json_string(optarg));
			break;
		case OPT_C2W_PORT:
		case OPT_HTTPS_PORT:
			port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || port < 1 ||
			    port > 65535) {
				cli_error(_("%s: '%s' is not a port number"),
				    c == OPT_C2W_PORT ? "--c2w-port" :
				    "--https-port", optarg);
				goto out;
			}
			json_object_set_new(names, c == OPT_C2W_PORT ?
			    "c2w_port" : "https_port", json_integer(port));
			break;
		case OPT_DOMAIN:
			json_object_set_new(names, "domain", json_string(optarg));
			break;
		case OPT_EXPRESSWAY:
			json_object_set_new(names, "expressway_a_record",
			    json_string(optarg));
			break;
		default:
			cli_usage(&cmd_init);
			goto out;
		}
	}
	if (argc - optind != 1) {
		cli_usage(&cmd_init);
		goto out;
	}
	if (nhost == 0) {
		cli_error(_("%s: hosts is missing or empty; list the Meeting "
		    "Servers with --host (the wizard starts a workspace without "
		    "them)"), argv[optind]);
		goto out;
	}
	json_object_set(root, "hosts", hosts);
	json_object_set(root, "options", options);
	json_object_set(root, "names", names);
	if (mcert_path_exists(argv[optind])) {
		mcert_error_exists(argv[optind], &err);
		cli_error("%s", err.msg);
		goto out;
	}
	if (mcert_ws_from_json(json_incref(root), argv[optind], &ws, &err) !=
	    MCERT_OK || mcert_ws_save(ws, argv[optind], &err) != MCERT_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	printf(ngettext("Created workspace %s: %s deployment, %zu host\n",
	    "Created workspace %s: %s deployment, %zu hosts\n", ws->nhosts),
	    argv[optind], mcert_ws_type_names[ws->type], ws->nhosts);
	ret = CLI_OK;
out:
	mcert_ws_free(ws);
	json_decref(root);
	json_decref(hosts);
	json_decref(options);
	json_decref(names);
	return ret;
}

const struct cli_cmd cmd_init = {
	.name = "init",
	.summary = N_("create a deployment workspace from arguments"),
	.usage = N_("WORKSPACE --type combined|split|resilient "
	    "--host label=L,fqdn=F[,address=A][,port=P][,user=U][,web=A]"
	    "[,roles=R1+R2][,database=primary|peer|connect] [--host ...] "
	    "[--option NAME] [--layout per-server|per-service|one-for-all] "
	    "[--key TYPE] [--cluster-fqdn F] [--join-url F] [--login-domain F] "
	    "[--c2w-address A] [--c2w-port P] [--https-port P] [--expressway F] "
	    "[--domain F]"),
	.run = run,
};
