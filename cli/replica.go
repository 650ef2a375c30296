package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// maxReplicaSlots bounds how many server processes can share one config
// directory (with an external database) and each keep an identity.
const maxReplicaSlots = 64

// claimReplicaID returns this server process's identity: a UUID kept in
// the config directory, so the process's next start knows which
// provisioner jobs were its own (see coderd.ProvisionerDaemonsOptions).
// The file is locked for the life of the process, so two processes never
// share an identity: a second process on the same directory takes
// replica-id.1, and so on. slot is that number (0 for replica-id); release
// unlocks.
func claimReplicaID(configDir string) (id uuid.UUID, slot int, release func(), err error) {
	for slot = 0; slot < maxReplicaSlots; slot++ {
		name := "replica-id"
		if slot > 0 {
			name += "." + strconv.Itoa(slot)
		}
		f, err := os.OpenFile(filepath.Join(configDir, name), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return uuid.Nil, 0, nil, xerrors.Errorf("open replica id: %w", err)
		}
		locked, err := tryLock(f)
		if err != nil {
			_ = f.Close()
			return uuid.Nil, 0, nil, xerrors.Errorf("lock replica id: %w", err)
		}
		if !locked {
			_ = f.Close()
			continue
		}
		id, err := readOrWriteID(f)
		if err != nil {
			_ = f.Close()
			return uuid.Nil, 0, nil, err
		}
		return id, slot, func() { _ = f.Close() }, nil
	}
	return uuid.Nil, 0, nil, xerrors.Errorf("more than %d server processes use the config directory %s", maxReplicaSlots, configDir)
}

func readOrWriteID(f *os.File) (uuid.UUID, error) {
	b := make([]byte, 64)
	n, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return uuid.Nil, xerrors.Errorf("read replica id: %w", err)
	}
	if id, err := uuid.Parse(strings.TrimSpace(string(b[:n]))); err == nil {
		return id, nil
	}
	id := uuid.New()
	if err := f.Truncate(0); err != nil {
		return uuid.Nil, xerrors.Errorf("write replica id: %w", err)
	}
	if _, err := f.WriteAt([]byte(id.String()+"\n"), 0); err != nil {
		return uuid.Nil, xerrors.Errorf("write replica id: %w", err)
	}
	if err := f.Sync(); err != nil {
		return uuid.Nil, xerrors.Errorf("write replica id: %w", err)
	}
	return id, nil
}
