-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- One line per iSCSI login (every final Login Response: success, failure or
-- redirect), printed when the capture has been read:
--
--   tshark -q -r capture.pcap -X lua_script:iscsi-login-sessions.lua
--   wireshark -r capture.pcap -X lua_script:iscsi-login-sessions.lua  (Tools > Lua > Evaluate shows print())
--
-- The plugin's tap "iscsi_login" gives a Lua listener no tapinfo: Wireshark
-- builds tapinfo tables only for the taps compiled into its Lua support
-- (ip, udp, http, ...).  So this listener reads the plugin's fields, which
-- are the same on every pass, through Field.new.  It listens on the frame
-- tap with a display filter: one call per frame that carries a final Login
-- Response (a tap listener on "iscsi_login" would be called once per
-- finished exchange, stages included, several times for one frame).
-- Wireshark 4.4 and later run no Lua as root: run tshark as a normal user.

local f_session   = Field.new("iscsi_login.session")
local f_initiator = Field.new("iscsi_login.initiator_name")
local f_target    = Field.new("iscsi_login.target_name")
local f_type      = Field.new("iscsi_login.session_type")
local f_outcome   = Field.new("iscsi_login.login.outcome")
local f_status    = Field.new("iscsi_login.login.status")
local f_time      = Field.new("iscsi_login.login_time")

local logins = {}

-- The n-th occurrence of a field in this frame, as text ("-" when absent).
local function nth(field, n, fmt)
    local all = { field() }
    local fi = all[n] or all[#all]
    if not fi then return "-" end
    return fmt and fmt(fi.value) or tostring(fi.value)
end

local function ms(nstime)
    return string.format("%.3f ms", nstime:tonumber() * 1000)
end

local listener = Listener.new("frame", "iscsi_login.login.outcome")

function listener.packet(pinfo, tvb, tapinfo)
    -- tapinfo is nil here, as for every tap Wireshark's Lua does not know.
    -- A frame may carry the final responses of several logins: one line each.
    for n = 1, #{ f_outcome() } do
        logins[#logins + 1] = string.format("%6d  session %-4s %-9s %-8s status 0x%04x  %12s  %s -> %s",
            pinfo.number, nth(f_session, n), nth(f_type, n), nth(f_outcome, n),
            tonumber(nth(f_status, n)) or 0,
            nth(f_time, n, ms) ~= "-" and nth(f_time, n, ms) or "(untimed)",
            nth(f_initiator, n), nth(f_target, n))
    end
end

function listener.draw()
    print(string.format("iSCSI logins: %d", #logins))
    print(" frame  session      type      outcome   status       login time  initiator -> target")
    for _, line in ipairs(logins) do
        print(line)
    end
end

function listener.reset()
    logins = {}
end
