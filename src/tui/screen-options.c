/* Options: what the deployment runs beyond the basics, the certificate
 * layout and the key type.  Each change is written into the workspace at
 * once, so the plan's findings follow it. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "screens.h"
#include "widgets.h"

/* In the order of mcert_ws_option_names (workspace.h). */
static const struct {
	const char *title, *brief, *what;
} options[] = {
	{ N_("TURN with TLS"), N_("TURN relays media over TLS"),
	    N_("The TURN server answers WebRTC browsers over TLS. It needs a "
	    "certificate like the Web Bridge 3's, signed by the same CA, so "
	    "that browsers trust it (guide 3.1.5, 4.6). Give the TN role "
	    "to the hosts that run TURN.") },
	{ N_("Recorder"), N_("records meetings"),
	    N_("The SIP Recorder. The Call Bridge must trust the Recorder's "
	    "certificate and the Recorder the Call Bridge's (guide 2.1, "
	    "table 3). Give the RC role to the hosts that record.") },
	{ N_("Streamer"), N_("streams meetings out"),
	    N_("The SIP Streamer. The Call Bridge must trust the Streamer's "
	    "certificate and the Streamer the Call Bridge's (guide 2.1, "
	    "table 3). Give the ST role to the hosts that stream.") },
	{ N_("Uploader"), N_("sends recordings to Vbrick"),
	    N_("The Uploader sends recordings to a Vbrick Rev server over "
	    "HTTPS. It needs a trust bundle of the CAs of Vbrick Rev and of "
	    "this deployment's Web Admin (guide, chapter 4). Give the UP role "
	    "to the hosts that upload.") },
	{ N_("MeetingApps"), N_("browsers reach it directly"),
	    N_("Browsers talk to MeetingApps directly, so its certificate "
	    "should come from a CA browsers trust; with an internal CA, file "
	    "sharing may fail (guide 3.1.3, 4.7). Give the MA role to the "
	    "hosts that run it.") },
	{ N_("SIP TLS trust"), N_("checks SIP peers"),
	    N_("The Call Bridge asks its SIP peers (CUCM, Expressway) for "
	    "their certificates and checks them against a bundle of CAs you "
	    "trust (guide 4.8, tls sip trust).") },
	{ N_("LDAP TLS trust"), N_("checks the LDAP server"),
	    N_("The Call Bridge checks the LDAP server's certificate against "
	    "a bundle of CAs you trust (guide 4.8, tls ldap trust).") },
	{ N_("Lync/Skype federation"), N_("the CN Lync knows"),
	    N_("Federation with Lync or Skype for Business. The Call "
	    "Bridge's CN must be the FQDN the Lync front end knows it by, "
	    "signed by a CA Lync trusts: a public one for direct federation "
	    "(guide 3.1.1, 5.2).") },
	{ N_("Expressway proxy"), N_("Web Bridge 3 behind Expressway"),
	    N_("The Expressway web proxy reaches Web Bridge 3 by an A record, "
	    "which the Web Bridge 3 certificate must carry or the proxy fails "
	    "(guide 3.1.2). The next screen asks for it.") },
};
#define NOPTIONS (sizeof(options) / sizeof(*options))

/* In the order of mcert_ws_layout_names: guide §3.1. */
static const struct {
	const char *title, *brief;
} layouts[] = {
	{ N_("One per server"), N_("all of a server's services share it") },
	{ N_("One per service"), N_("each service its own names and CA") },
	{ N_("One for all"), N_("CN the domain, SAN every FQDN") },
};
#define NLAYOUTS (sizeof(layouts) / sizeof(*layouts))

/* In the order of enum mcert_keytype. */
static const struct {
	const char *title, *brief;
} keys[] = {
	{ N_("RSA 2048"), N_("every CA signs it; the guide's") },
	{ N_("RSA 3072"), N_("stronger, a little slower") },
	{ N_("RSA 4096"), N_("strongest RSA; slower handshakes") },
	{ N_("ECDSA P-256"), N_("small, fast; check your CA signs it") },
	{ N_("ECDSA P-384"), N_("stronger ECDSA; the same check") },
};
#define NKEYS (sizeof(keys) / sizeof(*keys))

/* The items, top to bottom: the options, then the two choices. */
#define ITEM_LAYOUT NOPTIONS
#define ITEM_KEY (NOPTIONS + 1)
#define NITEMS (NOPTIONS + 2)

static struct {
	size_t sel;
	unsigned int options;
	size_t layout, key;
} st;

static void
load(struct wiz *w)
{
	json_t *root = w->ws->root, *v;
	enum mcert_keytype kt = MCERT_KEY_RSA2048;
	const char *s;
	size_t i;
	int k;

	st.options = 0;
	json_array_foreach(json_object_get(root, "options"), i, v)
		if ((k = mcert_ws_name_index(mcert_ws_option_names,
		    json_string_value(v))) >= 0)
			st.options |= 1u << k;
	k = mcert_ws_name_index(mcert_ws_layout_names, json_string_value(
	    json_object_get(root, "layout")));
	st.layout = k >= 0 ? (size_t)k : MCERT_LAYOUT_PER_SERVER;
	s = json_string_value(json_object_get(root, "key"));
	if (s != NULL)
		mcert_keytype_parse(s, &kt);
	st.key = (size_t)kt;
}

/* Writes the three into the workspace and refreshes the plan. */
static void
store(struct wiz *w)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (st.options & (1u << i))
			json_array_append_new(list,
			    json_string(mcert_ws_option_names[i]));
	json_object_set_new(w->ws->root, "options", list);
	json_object_set_new(w->ws->root, "layout",
	    json_string(mcert_ws_layout_names[st.layout]));
	json_object_set_new(w->ws->root, "key",
	    json_string(mcert_keytype_name((enum mcert_keytype)st.key)));
	wiz_replan(w);
}

static void
enter(struct wiz *w)
{
	st.sel = 0;
	load(w);
}

/* One row of a list: the cursor mark, the title in a column, a brief
 * line after it, clipped to the area. */
static void
row(int r, int cols, int selected, int titlew, const char *prefix,
    const char *title, const char *brief)
{
	enum ui_style s = selected ? UI_SELECTED : UI_NORMAL;
	char clip[256];
	int c;

	if (selected) {
		ui_fill(r, 0, s);
		ui_text(r, 0, s, ui_mark_text(UI_MARK_CURRENT));
	}
	c = ui_text(r, 2, s, prefix);
	c = ui_text(r, c, s, title);
	c = c > 2 + titlew ? c + 2 : 2 + titlew + 2;
	if (brief != NULL && cols - c > 4) {
		text_clip(clip, sizeof(clip), brief, cols - c - 1);
		ui_text(r, c, selected ? s : UI_DIM, clip);
	}
}

/* A choice, "Label  < value >", the value at column at. */
static void
choice(int r, int at, int selected, const char *label, const char *value)
{
	enum ui_style s = selected ? UI_SELECTED : UI_NORMAL;

	if (selected) {
		ui_fill(r, 0, s);
		ui_text(r, 0, s, ui_mark_text(UI_MARK_CURRENT));
	}
	ui_text(r, 2, selected ? s : UI_TITLE, label);
	ui_textf(r, at, s, "< %s >", value);
}

/* A line on each value of the focused choice (layout or key), the
 * current one marked. */
static void
choice_lines(int r, int rows, int cols, size_t n, size_t cur,
    const char *title_of(size_t), const char *brief_of(size_t))
{
	char clip[256];
	size_t i;
	int at = 0;

	for (i = 0; i < n; i++)
		if (ui_width(title_of(i)) > at)
			at = ui_width(title_of(i));
	at += 4 + 2;
	for (i = 0; i < n && r < rows; i++, r++) {
		enum ui_style s = i == cur ? UI_TITLE : UI_DIM;

		if (i == cur)
			ui_text(r, 2, s, ui_mark_text(UI_MARK_CURRENT));
		ui_text(r, 4, s, title_of(i));
		text_clip(clip, sizeof(clip), brief_of(i), cols - at - 1);
		ui_text(r, at, s, clip);
	}
}

static const char *
layout_title(size_t i)
{
	return _(layouts[i].title);
}

static const char *
layout_brief(size_t i)
{
	return _(layouts[i].brief);
}

static const char *
key_title(size_t i)
{
	return _(keys[i].title);
}

static const char *
key_brief(size_t i)
{
	return _(keys[i].brief);
}

static void
draw(struct wiz *w)
{
	int rows, cols, r = 0, titlew = 0, n;
	size_t i;

	(void)w;
	ui_area_size(&rows, &cols);
	ui_text(r++, 1, UI_NORMAL, _("What else does the deployment run? "
	    "Space turns it on."));
	for (i = 0; i < NOPTIONS; i++)
		if ((n = ui_width(_(options[i].title))) > titlew)
			titlew = n;
	titlew += 4;		/* "[x] " */
	for (i = 0; i < NOPTIONS; i++, r++)
		row(r, cols, st.sel == i, titlew, st.options & (1u << i) ?
		    "[x] " : "[ ] ", _(options[i].title),
		    _(options[i].brief));
	r++;
	n = ui_width(_("Certificate layout")) > ui_width(_("Key type")) ?
	    ui_width(_("Certificate layout")) : ui_width(_("Key type"));
	choice(r++, n + 4, st.sel == ITEM_LAYOUT, _("Certificate layout"),
	    _(layouts[st.layout].title));
	choice(r++, n + 4, st.sel == ITEM_KEY, _("Key type"),
	    _(keys[st.key].title));
	r++;
	/* what the focused item means */
	if (st.sel < NOPTIONS)
		ui_wrap(r, 2, cols - 3, rows - r, UI_NORMAL,
		    _(options[st.sel].what));
	else if (st.sel == ITEM_LAYOUT)
		choice_lines(r, rows, cols, NLAYOUTS, st.layout, layout_title,
		    layout_brief);
	else
		choice_lines(r, rows, cols, NKEYS, st.key, key_title,
		    key_brief);
}

static int
key(struct wiz *w, int k)
{
	size_t *cur = st.sel == ITEM_LAYOUT ? &st.layout : st.sel == ITEM_KEY ?
	    &st.key : NULL;
	size_t n = st.sel == ITEM_LAYOUT ? NLAYOUTS : NKEYS;

	if (k == UI_KEY_TAB)
		k = UI_KEY_DOWN;
	else if (k == UI_KEY_BTAB)
		k = UI_KEY_UP;
	if (list_key(&st.sel, NITEMS, k))
		return 1;
	if (cur == NULL) {
		if (k != ' ')
			return 0;
		st.options ^= 1u << st.sel;
		store(w);
		return 1;
	}
	switch (k) {
	case ' ':
	case UI_KEY_RIGHT:
		*cur = (*cur + 1) % n;
		break;
	case UI_KEY_LEFT:
		*cur = (*cur + n - 1) % n;
		break;
	default:
		return 0;
	}
	store(w);
	return 1;
}

static int
done(struct wiz *w)
{
	store(w);
	return 1;
}

const struct screen screen_options = {
	.name = "options",
	.flows = WIZ_FLOW_NEW,
	.step = N_("Options"),
	.help = N_("Every part of a Meeting Server that talks TLS needs a "
	    "certificate it can present, or a bundle of the CAs it trusts "
	    "(guide 2.1, tables 2 and 3). Turn on the parts this deployment "
	    "runs, and the plan adds their certificates and bundles.\n"
	    "The layout decides how many certificates there are (guide 3.1): "
	    "one per server carries all the server's names; one per service "
	    "keeps each service's names apart and lets Web Bridge 3 go to a "
	    "public CA while the rest stays internal; one for all puts every "
	    "FQDN in a single certificate whose key sits on every server.\n"
	    "The key type is used for every new key. RSA 2048 is accepted by "
	    "every CA; check that yours signs ECDSA before choosing it."),
	.keys = N_("Space Toggle  Left/Right Change  Enter Next"),
	.enter = enter,
	.draw = draw,
	.key = key,
	.done = done,
};
