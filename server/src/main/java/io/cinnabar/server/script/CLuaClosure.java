/*******************************************************************************
* Copyright (c) 2009 Luaj.org. All rights reserved.
*
* Permission is hereby granted, free of charge, to any person obtaining a copy
* of this software and associated documentation files (the "Software"), to deal
* in the Software without restriction, including without limitation the rights
* to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
* copies of the Software, and to permit persons to whom the Software is
* furnished to do so, subject to the following conditions:
*
* The above copyright notice and this permission notice shall be included in
* all copies or substantial portions of the Software.
* 
* THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
* IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
* FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
* AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
* LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
* OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
* THE SOFTWARE.
******************************************************************************/
package io.cinnabar.server.script;

import org.luaj.vm2.Buffer;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.TailcallVarargs;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Upvaldesc;
import org.luaj.vm2.Varargs;

/**
 * luaj's interpreter loop (LuaClosure.execute, copied from luaj 3.0.1 under the notice above) with two changes that
 * make scripts behave as C Lua 5.1 inside Redis: {@code ..} formats numbers with {@code %.14g} (luaj prints 1/3 as
 * 0.33333334 and 1e15 as 1000000000000000), and runtime errors carry C Lua's "source:line: " position, added once
 * by the innermost Lua function, where an xpcall handler also sees it.
 */
@SuppressWarnings("all")
final class CLuaClosure extends LuaClosure {
	private final Globals globals;

	CLuaClosure(Prototype p, LuaValue env, Globals globals) {
		super(p, env);
		this.globals = globals;
	}

	/** The sandbox this closure was compiled in. */
	Globals globals() {
		return globals;
	}

	/** An error that already carries its position (or must not get one). */
	static class PositionedError extends LuaError {
		PositionedError(LuaValue message) {
			super(message);
		}
	}

	/** Adds "source:line: " to a string error raised in this function, once, and runs an xpcall handler on it. */
	private LuaError positioned(LuaError le, int pc, LuaValue[] stack) {
		if (le instanceof PositionedError) {
			return le;
		}
		LuaValue message = le.getMessageObject();
		int line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? p.lineinfo[pc] : -1;
		LuaBridge.lastErrorLine(globals, line);
		if (message != null && message.type() == LuaValue.TSTRING) {
			String text = message.tojstring();
			String cText = LuaTypeErrors.message(p, pc, stack, upValues);
			if (cText == null) {
				cText = LuaTypeErrors.argumentError(p, pc, stack, text);
			}
			if (cText != null) {
				message = LuaValue.valueOf(p.shortsource() + ":" + line + ": " + cText);
			} else {
				// the message's own bytes after the position (a Java String would not round-trip binary bytes)
				message = LuaValue.valueOf(p.shortsource() + ":" + line + ": ").concat(message.checkstring());
			}
		}
		LuaValue handler = globals.running.errorfunc;
		if (handler != null) {
			globals.running.errorfunc = null;
			try {
				message = handler.call(message == null ? LuaValue.NIL : message);
			} catch (Throwable t) {
				message = LuaValue.valueOf("error in error handling");
			} finally {
				globals.running.errorfunc = handler;
			}
		}
		return new PositionedError(message == null ? LuaValue.NIL : message);
	}

	/** OP_CONCAT of R(b)..R(c): numbers become strings as C Lua's %.14g makes them, then luaj's rules apply. */
	private static LuaValue concat(LuaValue[] stack, int b, int c) {
		boolean plain = true;
		for (int i = b; i <= c; i++) {
			int t = stack[i].type();
			if (t != LuaValue.TSTRING && t != LuaValue.TNUMBER) {
				plain = false;
			}
		}
		if (plain) {
			int length = 0;
			LuaString[] parts = new LuaString[c - b + 1];
			for (int i = b; i <= c; i++) {
				LuaValue v = stack[i];
				parts[i - b] = v.type() == LuaValue.TNUMBER ? LuaString.valueOf(LuaBridge.formatNumber(v.todouble())) : (LuaString) v;
				length += parts[i - b].m_length;
			}
			byte[] out = new byte[length];
			int at = 0;
			for (LuaString s : parts) {
				System.arraycopy(s.m_bytes, s.m_offset, out, at, s.m_length);
				at += s.m_length;
			}
			return LuaString.valueUsing(out);
		}
		LuaValue[] values = new LuaValue[c - b + 1];
		for (int i = b; i <= c; i++) {
			LuaValue v = stack[i];
			values[i - b] = v.type() == LuaValue.TNUMBER ? LuaString.valueOf(LuaBridge.formatNumber(v.todouble())) : v;
		}
		int n = values.length - 1;
		if (n > 1) {
			Buffer sb = values[n].buffer();
			while (--n >= 0) {
				sb = values[n].concat(sb);
			}
			return sb.value();
		}
		return values[0].concat(values[1]);
	}

	@Override
	protected Varargs execute( LuaValue[] stack, Varargs varargs ) {
		// loop through instructions
		int i,a,b,c,pc=0,top=0;
		LuaValue o;
		Varargs v = NONE;
		int[] code = p.code;
		LuaValue[] k = p.k;
		
		// upvalues are only possible when closures create closures
		// TODO: use linked list.
		UpValue[] openups = p.p.length>0? new UpValue[stack.length]: null;
		int[] openIndex = openups != null ? new int[stack.length] : null; // slots of the open upvalues
		
		// allow for debug hooks
		if (globals != null && globals.debuglib != null)
			globals.debuglib.onCall( this, varargs, stack ); 

		// process instructions
		try {
			for (; true; ++pc) {
				if (globals != null && globals.debuglib != null)
					globals.debuglib.onInstruction( pc, v, top ); 
				
				// pull out instruction
				i = code[pc];
				a = ((i>>6) & 0xff);
				
				// process the op code
				switch ( i & 0x3f ) {
				
				case Lua.OP_MOVE:/*	A B	R(A):= R(B)					*/
					stack[a] = stack[i>>>23];
					continue;
					
				case Lua.OP_LOADK:/*	A Bx	R(A):= Kst(Bx)					*/
					stack[a] = k[i>>>14];
					continue;
					
				case Lua.OP_LOADBOOL:/*	A B C	R(A):= (Bool)B: if (C) pc++			*/
	                stack[a] = (i>>>23!=0)? LuaValue.TRUE: LuaValue.FALSE;
	                if ((i&(0x1ff<<14)) != 0)
	                    ++pc; /* skip next instruction (if C) */
	                continue;
	
				case Lua.OP_LOADNIL: /*	A B	R(A):= ...:= R(A+B):= nil			*/
					for ( b=i>>>23; b-->=0; )
						stack[a++] = LuaValue.NIL;
					continue;
					
				case Lua.OP_GETUPVAL: /*	A B	R(A):= UpValue[B]				*/
	                stack[a] = upValues[i>>>23].getValue();
	                continue;
					
				case Lua.OP_GETTABUP: /*	A B C	R(A) := UpValue[B][RK(C)]			*/
					stack[a] = upValues[i>>>23].getValue().get((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
	                
				case Lua.OP_GETTABLE: /*	A B C	R(A):= R(B)[RK(C)]				*/
	                stack[a] = stack[i>>>23].get((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_SETTABUP: /*	A B C	UpValue[A][RK(B)] := RK(C)			*/
	                upValues[a].getValue().set(((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]), (c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_SETUPVAL: /*	A B	UpValue[B]:= R(A)				*/
					upValues[i>>>23].setValue(stack[a]);
					continue;
					
				case Lua.OP_SETTABLE: /*	A B C	R(A)[RK(B)]:= RK(C)				*/
					stack[a].set(((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]), (c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_NEWTABLE: /*	A B C	R(A):= {} (size = B,C)				*/
					stack[a] = new LuaTable(i>>>23,(i>>14)&0x1ff);
					continue;
					
				case Lua.OP_SELF: /*	A B C	R(A+1):= R(B): R(A):= R(B)[RK(C)]		*/
					stack[a+1] = (o = stack[i>>>23]);
					stack[a] = o.get((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_ADD: /*	A B C	R(A):= RK(B) + RK(C)				*/
					stack[a] = ((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]).add((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_SUB: /*	A B C	R(A):= RK(B) - RK(C)				*/
					stack[a] = ((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]).sub((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_MUL: /*	A B C	R(A):= RK(B) * RK(C)				*/
					stack[a] = ((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]).mul((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_DIV: /*	A B C	R(A):= RK(B) / RK(C)				*/
					{
						LuaValue x = (b=i>>>23)>0xff? k[b&0x0ff]: stack[b];
						LuaValue y = (c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c];
						// plain IEEE division for numbers: luaj answers x/0 with its own positive NaN, where the
						// hardware (and C Lua) gives 0/0 the sign bit, which tostring shows as -nan
						stack[a] = x.type() == LuaValue.TNUMBER && y.type() == LuaValue.TNUMBER
								? LuaValue.valueOf(x.todouble() / y.todouble()) : x.div(y);
					}
					continue;
					
				case Lua.OP_MOD: /*	A B C	R(A):= RK(B) % RK(C)				*/
					{
						LuaValue x = (b=i>>>23)>0xff? k[b&0x0ff]: stack[b];
						LuaValue y = (c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c];
						if (x.type() == LuaValue.TNUMBER && y.type() == LuaValue.TNUMBER) {
							double m = x.todouble(), n = y.todouble();
							stack[a] = LuaValue.valueOf(m - Math.floor(m / n) * n); // luai_nummod
						} else {
							stack[a] = x.mod(y);
						}
					}
					continue;
					
				case Lua.OP_POW: /*	A B C	R(A):= RK(B) ^ RK(C)				*/
					stack[a] = ((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]).pow((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]);
					continue;
					
				case Lua.OP_UNM: /*	A B	R(A):= -R(B)					*/
					stack[a] = stack[i>>>23].neg();
					continue;
					
				case Lua.OP_NOT: /*	A B	R(A):= not R(B)				*/
					stack[a] = stack[i>>>23].not();
					continue;
					
				case Lua.OP_LEN: /*	A B	R(A):= length of R(B)				*/
					stack[a] = stack[i>>>23].len();
					continue;
					
				case Lua.OP_CONCAT: /*	A B C	R(A):= R(B).. ... ..R(C)			*/
					b = i>>>23;
					c = (i>>14)&0x1ff;
					{
						stack[a] = concat(stack, b, c);
					}
					continue;
					
				case Lua.OP_JMP: /*	sBx	pc+=sBx					*/
					pc  += (i>>>14)-0x1ffff;
					if (a > 0) {
						for (--a, b = openups.length; --b>=0; )
							if (openups[b] != null && openIndex[b] >= a) {
								openups[b].close();
								openups[b] = null;
							}
					}
					continue;
					
				case Lua.OP_EQ: /*	A B C	if ((RK(B) == RK(C)) ~= A) then pc++		*/
					if ( ((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]).eq_b((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]) != (a!=0) ) 
						++pc;
					continue;
					
				case Lua.OP_LT: /*	A B C	if ((RK(B) <  RK(C)) ~= A) then pc++  		*/
					if ( ((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]).lt_b((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]) != (a!=0) ) 
						++pc;
					continue;
					
				case Lua.OP_LE: /*	A B C	if ((RK(B) <= RK(C)) ~= A) then pc++  		*/
					if ( ((b=i>>>23)>0xff? k[b&0x0ff]: stack[b]).lteq_b((c=(i>>14)&0x1ff)>0xff? k[c&0x0ff]: stack[c]) != (a!=0) ) 
						++pc;
					continue;
					
				case Lua.OP_TEST: /*	A C	if not (R(A) <=> C) then pc++			*/ 
					if ( stack[a].toboolean() != ((i&(0x1ff<<14))!=0) ) 
						++pc;
					continue;
					
				case Lua.OP_TESTSET: /*	A B C	if (R(B) <=> C) then R(A):= R(B) else pc++	*/
					/* note: doc appears to be reversed */
					if ( (o=stack[i>>>23]).toboolean() != ((i&(0x1ff<<14))!=0) ) 
						++pc;
					else
						stack[a] = o; // TODO: should be sBx? 
					continue;
					
				case Lua.OP_CALL: /*	A B C	R(A), ... ,R(A+C-2):= R(A)(R(A+1), ... ,R(A+B-1)) */
					switch ( i & (Lua.MASK_B | Lua.MASK_C) ) {
					case (1<<Lua.POS_B) | (0<<Lua.POS_C): v=stack[a].invoke(NONE); top=a+v.narg(); continue;
					case (2<<Lua.POS_B) | (0<<Lua.POS_C): v=stack[a].invoke(stack[a+1]); top=a+v.narg(); continue;
					case (1<<Lua.POS_B) | (1<<Lua.POS_C): stack[a].call(); continue;
					case (2<<Lua.POS_B) | (1<<Lua.POS_C): stack[a].call(stack[a+1]); continue;
					case (3<<Lua.POS_B) | (1<<Lua.POS_C): stack[a].call(stack[a+1],stack[a+2]); continue;
					case (4<<Lua.POS_B) | (1<<Lua.POS_C): stack[a].call(stack[a+1],stack[a+2],stack[a+3]); continue;
					case (1<<Lua.POS_B) | (2<<Lua.POS_C): stack[a] = stack[a].call(); continue;
					case (2<<Lua.POS_B) | (2<<Lua.POS_C): stack[a] = stack[a].call(stack[a+1]); continue;
					case (3<<Lua.POS_B) | (2<<Lua.POS_C): stack[a] = stack[a].call(stack[a+1],stack[a+2]); continue;
					case (4<<Lua.POS_B) | (2<<Lua.POS_C): stack[a] = stack[a].call(stack[a+1],stack[a+2],stack[a+3]); continue;
					default:
						b = i>>>23;
						c = (i>>14)&0x1ff;
						v = stack[a].invoke(b>0? 
							varargsOf(stack, a+1, b-1): // exact arg count
							varargsOf(stack, a+1, top-v.narg()-(a+1), v));  // from prev top 
						if ( c > 0 ) {
							for (int j = 0; j < c - 1; j++) {
								stack[a + j] = v.arg(j + 1);
							}
							v = NONE;
						} else {
							top = a + v.narg();
							v = copyOf(v); // the results may alias this stack, which later code overwrites
						}
						continue;
					}
					
				case Lua.OP_TAILCALL: /*	A B C	return R(A)(R(A+1), ... ,R(A+B-1))		*/
					if (!stack[a].isfunction() && stack[a].metatag(LuaValue.CALL).isnil()) {
						// fail here, where the position and the variable name are known, not in the caller
						throw new LuaError("attempt to call " + stack[a].typename());
					}
					if (!(stack[a] instanceof LuaClosure)) {
						// C Lua never tail-calls a C function: call it here, so its errors carry this position
						b = i>>>23;
						Varargs args = b>0? varargsOf(stack,a+1,b-1): varargsOf(stack, a+1, top-v.narg()-(a+1), v);
						return copyOf(stack[a].invoke(args));
					}
					switch ( i & Lua.MASK_B ) {
					case (1<<Lua.POS_B): return new TailcallVarargs(stack[a], NONE);
					case (2<<Lua.POS_B): return new TailcallVarargs(stack[a], stack[a+1]);
					case (3<<Lua.POS_B): return new TailcallVarargs(stack[a], varargsOf(stack[a+1],stack[a+2]));
					case (4<<Lua.POS_B): return new TailcallVarargs(stack[a], varargsOf(stack[a+1],stack[a+2],stack[a+3]));
					default:
						b = i>>>23;
						v = b>0? 
							varargsOf(stack,a+1,b-1): // exact arg count
							varargsOf(stack, a+1, top-v.narg()-(a+1), v); // from prev top 
						return new TailcallVarargs( stack[a], v );
					}
					
				case Lua.OP_RETURN: /*	A B	return R(A), ... ,R(A+B-2)	(see note)	*/
					b = i>>>23;
					switch ( b ) {
					case 0: return varargsOf(stack, a, top-v.narg()-a, v); 
					case 1: return NONE;
					case 2: return stack[a]; 
					default:
						return varargsOf(stack, a, b-1);
					}
					
				case Lua.OP_FORLOOP: /*	A sBx	R(A)+=R(A+2): if R(A) <?= R(A+1) then { pc+=sBx: R(A+3)=R(A) }*/
					{
			            LuaValue limit = stack[a + 1];
						LuaValue step  = stack[a + 2];
						LuaValue idx   = step.add(stack[a]);
			            if (step.gt_b(0)? idx.lteq_b(limit): idx.gteq_b(limit)) {
		                    stack[a] = idx;
		                    stack[a + 3] = idx;
		                    pc += (i>>>14)-0x1ffff;
			            }
					}
					continue;
					
				case Lua.OP_FORPREP: /*	A sBx	R(A)-=R(A+2): pc+=sBx				*/
					{
						LuaValue init  = stack[a].checknumber("'for' initial value must be a number");
						LuaValue limit = stack[a + 1].checknumber("'for' limit must be a number");
						LuaValue step  = stack[a + 2].checknumber("'for' step must be a number");
						stack[a] = init.sub(step);
						stack[a + 1] = limit;
						stack[a + 2] = step;
						pc += (i>>>14)-0x1ffff;
					}
					continue;

				case Lua.OP_TFORCALL: /* A C	R(A+3), ... ,R(A+2+C) := R(A)(R(A+1), R(A+2));	*/
					v = stack[a].invoke(varargsOf(stack[a+1],stack[a+2]));
					c = (i>>14) & 0x1ff;
					while (--c >= 0)
						stack[a+3+c] = v.arg(c+1);
					v = NONE;
					continue;

				case Lua.OP_TFORLOOP: /* A sBx	if R(A+1) ~= nil then { R(A)=R(A+1); pc += sBx */
					if (!stack[a+1].isnil()) { /* continue loop? */
						stack[a] = stack[a+1];  /* save control varible. */
						pc += (i>>>14)-0x1ffff;
					}
					continue;
					
				case Lua.OP_SETLIST: /*	A B C	R(A)[(C-1)*FPF+i]:= R(A+i), 1 <= i <= B	*/
					{
		                if ( (c=(i>>14)&0x1ff) == 0 )
		                    c = code[++pc];
		                int offset = (c-1) * Lua.LFIELDS_PER_FLUSH;
		                o = stack[a];
		                if ( (b=i>>>23) == 0 ) {
		                    b = top - a - 1;
		                    int m = b - v.narg(); 
		                	int j=1;
		                	for ( ;j<=m; j++ )
		                    	o.set(offset+j, stack[a + j]);
		                	for ( ;j<=b; j++ )
		                    	o.set(offset+j, v.arg(j-m));
		                } else {
		                    o.presize( offset + b );
		                    for (int j=1; j<=b; j++)
		                    	o.set(offset+j, stack[a + j]);
		                }
					}
					continue;
					
				case Lua.OP_CLOSURE: /*	A Bx	R(A):= closure(KPROTO[Bx])	*/
					{
						Prototype newp = p.p[i>>>14];
						LuaClosure ncl = new CLuaClosure(newp, globals, globals);
						Upvaldesc[] uv = newp.upvalues;
						for ( int j=0, nup=uv.length; j<nup; ++j ) {
							if (uv[j].instack)  /* upvalue refes to local variable? */
								ncl.upValues[j] = findupval(stack, uv[j].idx, openups, openIndex);
							else  /* get upvalue from enclosing function */
								ncl.upValues[j] = upValues[uv[j].idx];
						}
						stack[a] = ncl;
					}
					continue;
					
				case Lua.OP_VARARG: /*	A B	R(A), R(A+1), ..., R(A+B-1) = vararg		*/
					b = i>>>23;
					if ( b == 0 ) {
						top = a + (b = varargs.narg());
						v = varargs;
					} else { 
						for ( int j=1; j<b; ++j )
							stack[a+j-1] = varargs.arg(j);
					}
					continue;				

				case Lua.OP_EXTRAARG:
					throw new java.lang.IllegalArgumentException("Uexecutable opcode: OP_EXTRAARG");

				default:
					throw new java.lang.IllegalArgumentException("Illegal opcode: " + (i & 0x3f));
				}
			}
		} catch ( LuaError le ) {
			throw positioned(le, pc, stack);
		} catch ( Exception e ) {
			// a Java bug below a Lua call: luaj would show "vm error: java.lang..."; log it, show a plain error
			throw positioned(LuaBridge.internalError(globals, e), pc, stack);
		} finally {
			if ( openups != null )
				for ( int u=openups.length; --u>=0; )
					if ( openups[u] != null )
						openups[u].close();
			if (globals != null && globals.debuglib != null)
				globals.debuglib.onReturn();
		}
	}

	private UpValue findupval(LuaValue[] stack, short idx, UpValue[] openups, int[] openIndex) {
		final int n = openups.length;
		for (int i = 0; i < n; ++i)
			if (openups[i] != null && openIndex[i] == idx)
				return openups[i];
		for (int i = 0; i < n; ++i)
			if (openups[i] == null) {
				openIndex[i] = idx;
				return openups[i] = new UpValue(stack, idx);
			}
		error("No space for upvalue");
		return null;
	}

	private static Varargs copyOf(Varargs v) {
		int n = v.narg();
		if (n == 0) {
			return NONE;
		}
		if (n == 1) {
			return v.arg1();
		}
		LuaValue[] copy = new LuaValue[n];
		for (int j = 0; j < n; j++) {
			copy[j] = v.arg(j + 1);
		}
		return varargsOf(copy);
	}
}
