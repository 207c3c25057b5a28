package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
	"github.com/openlot/openlot/shared/sqlite"
)

// MinPassword is the shortest password people may choose.
const MinPassword = 8

func usersCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage the people who sign in at the local server (in its data folder)",
		Long: "People sign in at the portal with their email and password (the local server is their OAuth2 " +
			"authorization server). These commands change the data folder that `openlot serve --data` uses; " +
			"they may run while the server does.",
	}
	cmd.PersistentFlags().StringVar(&data, "data", defaultDataDir(), "the server's data folder")
	cmd.AddCommand(usersAddCmd(&data), usersListCmd(&data), usersPasswdCmd(&data), usersDisableCmd(&data, true), usersDisableCmd(&data, false))
	return cmd
}

// withStore opens the data folder's store for fn.
func withStore(ctx context.Context, data string, fn func(*sqlite.Store) error) error {
	if err := os.MkdirAll(data, 0o750); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	s, err := sqlite.Open(ctx, data)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

func usersAddCmd(data *string) *cobra.Command {
	var name, role, partner string
	var perms []string
	var stdin bool
	cmd := &cobra.Command{
		Use:   "add EMAIL",
		Short: "Add a person who signs in with EMAIL (the password is asked for, or read from stdin)",
		Example: "  openlot users add ana@juniper.example --name 'Ana Lima' --role fp --partner juniper --permission cancel\n" +
			"  echo 's3cret-pass' | openlot users add qc@studio.example --role qc --password-stdin",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := mail.ParseAddress(args[0])
			if err != nil || addr.Address != args[0] {
				return fmt.Errorf("%q is not an email address", args[0])
			}
			r, err := lot.ParseRole(role)
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			var permissions []lot.Permission
			for _, p := range perms {
				k := slices.IndexFunc(lot.Permissions, func(known lot.Permission) bool { return strings.EqualFold(string(known), p) })
				if k < 0 {
					return fmt.Errorf("--permission %q: the permissions are %v", p, lot.Permissions)
				}
				permissions = append(permissions, lot.Permissions[k])
			}
			if name == "" {
				name = addr.Address
			}
			return withStore(cmd.Context(), *data, func(s *sqlite.Store) error {
				if err := checkPartner(cmd.Context(), s, r, partner); err != nil {
					return err
				}
				hash, err := readPassword(cmd, stdin)
				if err != nil {
					return err
				}
				u := &lot.User{Subject: ids.V7{}.NewID(), Name: name, Email: addr.Address, Role: r, Partner: partner,
					Permissions: permissions, PasswordHash: hash, CreatedAt: time.Now().UTC()}
				if r == lot.RoleStudio || r == lot.RoleQC {
					u.Partner = ""
				}
				if err := s.AddUser(cmd.Context(), u); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s (%s, %s) as %s\n", u.Email, u.Name, describeRole(u), u.Subject)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the person's name (default: the email)")
	cmd.Flags().StringVar(&role, "role", "", "fp, cp, studio or qc")
	cmd.Flags().StringVar(&partner, "partner", "", "the partner of an fp or cp (e.g. juniper)")
	cmd.Flags().StringSliceVar(&perms, "permission", nil, "extra rights: cancel, subassign (repeat or comma-separate)")
	cmd.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from the first line of stdin")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

// checkPartner fails unless an FP or CP names a known partner of its kind.
func checkPartner(ctx context.Context, s *sqlite.Store, r lot.Role, partner string) error {
	want := map[lot.Role]lot.PartnerKind{lot.RoleFP: lot.PartnerFulfillment, lot.RoleCP: lot.PartnerContent}[r]
	if want == "" {
		return nil
	}
	if partner == "" {
		return fmt.Errorf("a %s needs --partner", strings.ToLower(r.Name()))
	}
	p, err := s.GetPartner(ctx, partner)
	if lot.IsCode(err, lot.CodeNotFound) || err == nil && p.Kind != want {
		return fmt.Errorf("openlot knows no %s %q", strings.ToLower(r.Name()), partner)
	}
	return err
}

func describeRole(u *lot.User) string {
	if u.Partner != "" {
		return strings.ToLower(string(u.Role)) + " " + u.Partner
	}
	return strings.ToLower(string(u.Role))
}

// readPassword reads a new password, from stdin's first line or from the
// terminal without echo (twice), and returns its bcrypt hash.
func readPassword(cmd *cobra.Command, fromStdin bool) ([]byte, error) {
	var pw string
	if fromStdin {
		line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		f, ok := cmd.InOrStdin().(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil, errors.New("stdin is not a terminal: pass --password-stdin and the password on stdin")
		}
		out := cmd.ErrOrStderr()
		fmt.Fprint(out, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return nil, err
		}
		fmt.Fprint(out, "Password again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return nil, err
		}
		if string(a) != string(b) {
			return nil, errors.New("the two passwords differ")
		}
		pw = string(a)
	}
	if len([]rune(pw)) < MinPassword {
		return nil, fmt.Errorf("a password has at least %d characters", MinPassword)
	}
	return oauth.HashPassword(pw)
}

func usersListCmd(data *string) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the people who sign in, by email",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), *data, func(s *sqlite.Store) error {
				people, err := s.ListPeople(cmd.Context())
				if err != nil {
					return err
				}
				now := time.Now()
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tPARTNER\tPERMISSIONS\tSTATE\tSESSIONS")
				for _, u := range people {
					state := "active"
					switch {
					case u.Disabled:
						state = "disabled"
					case u.Locked(now):
						state = "locked until " + u.LockedUntil.Local().Format("15:04")
					}
					var perms []string
					for _, p := range u.Permissions {
						perms = append(perms, string(p))
					}
					live := 0
					for _, ss := range u.Sessions {
						if ss.Ended.IsZero() && now.Before(ss.Expires) {
							live++
						}
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", u.Email, u.Name, strings.ToLower(string(u.Role)), dash(u.Partner), dash(strings.Join(perms, ",")), state, live)
				}
				return tw.Flush()
			})
		},
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// personByEmail returns the person with that email, or an error that says so.
func personByEmail(ctx context.Context, s *sqlite.Store, email string) (*lot.User, error) {
	u, err := s.UserByEmail(ctx, email)
	if lot.IsCode(err, lot.CodeNotFound) {
		return nil, fmt.Errorf("no one signs in with %s (see openlot users list)", email)
	}
	return u, err
}

// endSessions ends every live session of u at now.
func endSessions(u *lot.User, now time.Time) {
	for k := range u.Sessions {
		if u.Sessions[k].Ended.IsZero() {
			u.Sessions[k].Ended = now
		}
	}
}

func usersPasswdCmd(data *string) *cobra.Command {
	var stdin bool
	cmd := &cobra.Command{
		Use:   "passwd EMAIL",
		Short: "Set a person's password; it ends their sessions and lifts a lockout",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd.Context(), *data, func(s *sqlite.Store) error {
				u, err := personByEmail(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				hash, err := readPassword(cmd, stdin)
				if err != nil {
					return err
				}
				now := time.Now()
				if _, err := s.UpdateUser(cmd.Context(), u.Subject, func(u *lot.User) (bool, error) {
					u.PasswordHash = hash
					u.SignedIn()
					endSessions(u, now)
					return true, nil
				}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "password of %s changed; their sessions are ended\n", u.Email)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from the first line of stdin")
	return cmd
}

// usersDisableCmd is `disable` (which ends the person's sessions) or `enable`.
func usersDisableCmd(data *string, disable bool) *cobra.Command {
	use, short := "enable EMAIL", "Let a disabled person sign in again"
	if disable {
		use, short = "disable EMAIL", "Stop a person from signing in and end their sessions (an access token already given lasts at most 15 minutes)"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd.Context(), *data, func(s *sqlite.Store) error {
				u, err := personByEmail(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				now := time.Now()
				if _, err := s.UpdateUser(cmd.Context(), u.Subject, func(u *lot.User) (bool, error) {
					u.Disabled = disable
					if disable {
						endSessions(u, now)
					} else {
						u.SignedIn()
					}
					return true, nil
				}); err != nil {
					return err
				}
				verb := "enabled"
				if disable {
					verb = "disabled"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", u.Email, verb)
				return nil
			})
		},
	}
}
