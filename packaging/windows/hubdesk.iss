; Inno Setup 6.3+ script for HubDesk on Windows (x64).
;
; Build the PyInstaller bundle first (dist\HubDesk\hubdesk.exe), then, from the project root:
;
;   for /f %v in ('python -c "import hubdesk; print(hubdesk.__version__)"') do ^
;       iscc /DAppVersion=%v packaging\windows\hubdesk.iss
;
; PowerShell:
;   iscc "/DAppVersion=$(python -c 'import hubdesk; print(hubdesk.__version__)')" `
;        packaging\windows\hubdesk.iss
;
; AppVersion is the one version define. hubdesk.__version__ is the single source: the
; same value goes into the exe's version resource (make_version_info.py) and the macOS
; Info.plist (packaging/macos/info_plist.py). Without /DAppVersion the version is read
; back from dist\HubDesk\hubdesk.exe's version resource, so it still cannot drift.
;
; The installer lands in dist\installer\HubDesk-<version>-setup.exe.
;
; Silent deployment for an organisation (staff then sign in with username and password
; only; see hubdesk/core/managed.py):
;
;   HubDesk-<v>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /ALLUSERS ^
;       /BASEURL=https://smsapi.thehubwork.com/api /CLIENTID=acme /CLIENTSECRET=...
;
; writes %ProgramData%\HubDesk\managed.toml (base_url, client_id, client_secret): the
; folder's inherited permissions are replaced by SYSTEM and Administrators (full) and
; Users (read), so every user of the machine can read it and none but an administrator
; can change it (HubDesk refuses a file anyone may change: it could redirect sign-ins).
; It needs an administrative install (/ALLUSERS, or Setup run elevated); /CLIENTID and
; /CLIENTSECRET come together. The file is kept on uninstall, like the profile, so that
; a reinstall needs no new deployment; delete it to retire the client. A secret on a
; command line is visible to administrators' process tools while Setup runs: deploy
; from a management tool, not an interactive shell that keeps history.

#define AppName "HubDesk"
#define AppExe "hubdesk.exe"
#define AppPublisher "HubWork"
#define AppUrl "https://thehubwork.com/"
#define BundleDir AddBackslash(SourcePath) + "..\..\dist\HubDesk"

#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(BundleDir + "\" + AppExe)
  #if AppVersion == ""
    #error Pass the version: iscc /DAppVersion=X.Y.Z (from hubdesk.__version__)
  #endif
#endif

[Setup]
; AppId identifies HubDesk to Windows' uninstaller: never change it.
AppId={{F0B529C4-4E07-4F60-8212-FDDFC4F9134E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppPublisherURL={#AppUrl}
AppSupportURL={#AppUrl}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoCompany={#AppPublisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install by default (no admin prompt); an admin may choose "all users".
; {autopf} and HKA follow that choice: Program Files + HKLM, or the user's
; Programs folder + HKCU.
PrivilegesRequired=lowest
; /ALLUSERS on the command line (silent deployment with /CLIENTID=...) or the dialog.
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#SourcePath}..\..\dist\installer
OutputBaseFilename=HubDesk-{#AppVersion}-setup
SetupIconFile={#SourcePath}hubdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; HubDesk lives in the tray: close it (Restart Manager) before replacing its files.
CloseApplications=yes
RestartApplications=no
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "startatlogin"; Description: "Start HubDesk in the tray when I sign in"; GroupDescription: "Other:"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "HubWork.HubDesk"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; tel: and sms: links are NOT registered here: hubdesk.exe does it itself (the [Run] and
; [UninstallRun] entries below), with hubdesk/core/urlhandlers.py, the one code path for
; the layout, tested against an in-memory registry and, on the Windows CI runner, the
; real one; the self-test reads the same keys back. Under Software\Classes of HKCU
; (HKLM with --all-users, in an administrative install) it writes:
;   HubDesk.tel / HubDesk.sms   its own ProgIDs ("URL Protocol", icon, shell\open\command
;                               = "<app>\hubdesk.exe" "%1"), removed on uninstall;
;   tel / sms                   the schemes themselves, unless another program (Teams,
;                               Zoom, Phone Link) holds them; uninstall removes only the
;                               values that still point at HubDesk;
; and Software\HubWork\HubDesk\Capabilities\URLAssociations plus a
; Software\RegisteredApplications entry, so Windows offers HubDesk in Settings > Apps >
; Default apps and in the "How do you want to open this?" prompt. Windows 10/11 keep the
; user's choice in a protected UserChoice key that no installer may write: the first
; tel: link asks, or the user picks HubDesk in Default apps.

; --- Start at login (optional task; always per user) --------------------------------------
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "HubDesk"; ValueData: """{app}\{#AppExe}"" --minimized"; Tasks: startatlogin; Flags: uninsdeletevalue

[Run]
; tel:/sms: registration (packaging/entry.py -> hubdesk.core.urlhandlers): per user, or
; for every user in an administrative install (Setup runs elevated then, so HKLM is
; writable). Silent installs run these too; a failure leaves HubDesk working without
; link handling, and "hubdesk.exe --self-test" says so.
Filename: "{app}\{#AppExe}"; Parameters: "--register-url-handlers"; StatusMsg: "Registering tel: and sms: links..."; Flags: runhidden waituntilterminated; Check: not IsAdminInstallMode
Filename: "{app}\{#AppExe}"; Parameters: "--register-url-handlers --all-users"; StatusMsg: "Registering tel: and sms: links..."; Flags: runhidden waituntilterminated; Check: IsAdminInstallMode
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Before the files go: HubDesk's own keys, and its values in the shared tel/sms keys.
; The profile (settings, messages, keyring entries) is kept on purpose, like the Linux
; uninstaller; removing it is a choice in HubDesk's own settings.
Filename: "{app}\{#AppExe}"; Parameters: "--unregister-url-handlers"; Flags: runhidden waituntilterminated; RunOnceId: "UnregisterUrlHandlers"; Check: not IsAdminInstallMode
Filename: "{app}\{#AppExe}"; Parameters: "--unregister-url-handlers --all-users"; Flags: runhidden waituntilterminated; RunOnceId: "UnregisterUrlHandlersAllUsers"; Check: IsAdminInstallMode

[Code]
// --- Managed configuration: /BASEURL= /CLIENTID= /CLIENTSECRET= -> managed.toml --------
const
  SidSystem = '*S-1-5-18';
  SidAdministrators = '*S-1-5-32-544';
  SidUsers = '*S-1-5-32-545';

function ManagedParam(const Name: String): String;
begin
  Result := Trim(ExpandConstant('{param:' + Name + '|}'));
end;

function WantsManagedConfig(): Boolean;
begin
  Result := (ManagedParam('BASEURL') <> '') or (ManagedParam('CLIENTID') <> '') or
    (ManagedParam('CLIENTSECRET') <> '');
end;

// A TOML basic string: backslash and double quote escaped; control characters refused.
function TomlString(const Value: String): String;
var
  I: Integer;
  C: Char;
begin
  Result := '"';
  for I := 1 to Length(Value) do
  begin
    C := Value[I];
    if C = '\' then
      Result := Result + '\\'
    else if C = '"' then
      Result := Result + '\"'
    else if (Ord(C) < 32) or (Ord(C) = 127) then
      RaiseException('a managed value holds a control character')
    else
      Result := Result + C;
  end;
  Result := Result + '"';
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if not WantsManagedConfig() then
    Exit;
  if (ManagedParam('CLIENTID') = '') <> (ManagedParam('CLIENTSECRET') = '') then
  begin
    SuppressibleMsgBox('/CLIENTID= and /CLIENTSECRET= must be given together.',
      mbError, MB_OK, IDOK);
    Result := False;
  end
  else if not IsAdminInstallMode() then
  begin
    SuppressibleMsgBox('/BASEURL=, /CLIENTID= and /CLIENTSECRET= write the machine''s ' +
      'managed configuration: run Setup as an administrator with /ALLUSERS.',
      mbError, MB_OK, IDOK);
    Result := False;
  end;
end;

// Replace Path's inherited ACL (ProgramData lets Users create and change files in new
// subfolders): SYSTEM and Administrators full control, Users read and execute.
procedure RestrictToAdministrators(const Path, Inherit: String);
var
  Code: Integer;
begin
  if not Exec(ExpandConstant('{sys}\icacls.exe'), '"' + Path + '" /inheritance:r /grant:r ' +
      SidSystem + ':' + Inherit + 'F ' + SidAdministrators + ':' + Inherit + 'F ' +
      SidUsers + ':' + Inherit + 'RX', '', SW_HIDE, ewWaitUntilTerminated, Code) or
      (Code <> 0) then
    RaiseException('icacls could not restrict ' + Path);
end;

procedure WriteManagedConfig();
var
  Folder, FileName: String;
  Lines: TArrayOfString;
  Count: Integer;
begin
  Folder := ExpandConstant('{commonappdata}\HubDesk');
  FileName := Folder + '\managed.toml';
  if not ForceDirectories(Folder) then
    RaiseException('cannot create ' + Folder);
  RestrictToAdministrators(Folder, '(OI)(CI)');
  Count := 0;
  SetArrayLength(Lines, 4);
  Lines[Count] := '# Written by the HubDesk installer (/BASEURL= /CLIENTID= /CLIENTSECRET=).';
  Count := Count + 1;
  if ManagedParam('BASEURL') <> '' then
  begin
    Lines[Count] := 'base_url = ' + TomlString(ManagedParam('BASEURL'));
    Count := Count + 1;
  end;
  if ManagedParam('CLIENTID') <> '' then
  begin
    Lines[Count] := 'client_id = ' + TomlString(ManagedParam('CLIENTID'));
    Count := Count + 1;
    Lines[Count] := 'client_secret = ' + TomlString(ManagedParam('CLIENTSECRET'));
    Count := Count + 1;
  end;
  SetArrayLength(Lines, Count);
  if not SaveStringsToUTF8File(FileName, Lines, False) then
    RaiseException('cannot write ' + FileName);
  RestrictToAdministrators(FileName, '');  // also a file left by an earlier deployment
  Log('Wrote the managed configuration ' + FileName);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and WantsManagedConfig() then
    WriteManagedConfig();
end;
